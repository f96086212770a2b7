package com.subsets.sync.state.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code subscriber.erased} event does (issue 29). It resolves the subscriber's whole identity {@code (u, e)}:
 * the userId named, or the one the named e-mail is linked to; the e-mail named, or the one the userId is linked to
 * (or, without a link, the one its record holds). Then the states under {@code tenant␟u␟} and {@code tenant␟␟e} are
 * deleted, each key tombstoned on the state topic (even one with no state: a dispatcher learns the identifiers from
 * the tombstone's {@link Erasure#HEADER}, which carries the full identity on both), the links of both deleted, and
 * the identity remembered (as salted hashes, {@link ErasedIdentifiers}).
 *
 * <p>An event naming a userId and an e-mail that are not linked to each other erases those two; whatever else either
 * was linked to is unlinked: an e-mail linked to the userId loses its link (it has no state of its own: it was merged
 * into the userId's), a userId linked to the e-mail keeps its state without the e-mail (its record is written again,
 * as when a newer event moves a link). A repeated erasure finds nothing linked any more: it tombstones what its event
 * names, again.
 *
 * <p>Pure: it reads the two stores through {@link LinkedSubscribers.Stores} and answers with what to change.
 */
public final class Erasures {

    /**
     * What to do for one erasure.
     *
     * @param erasure the record for the erasures topic and the tombstones' header: the event's id, tenant and time, and
     *                the resolved identity
     * @param tombstones the state keys to delete and tombstone (the userId's first), each with the erasure as header
     * @param deletedLinks the link keys to delete
     * @param rewrites states of other subscribers written again (a userId that loses the erased e-mail), to send
     */
    public record Result(Erasure erasure, List<String> tombstones, List<String> deletedLinks, List<LinkedSubscribers.Write> rewrites) {

        /** The value of the {@link Erasure#HEADER} header of each tombstone. */
        public byte[] header() {
            return erasure.encode();
        }
    }

    private final LinkedSubscribers.Stores stores;

    public Erasures(LinkedSubscribers.Stores stores) {
        this.stores = stores;
    }

    public Result erase(AssignmentEvent event) {
        if (event.type() != EventType.ERASED) {
            throw new IllegalArgumentException("not a subscriber.erased event: " + event.type().wireName());
        }
        String tenant = event.tenantId();
        Subscriber identity = resolve(tenant, event.subscriber());
        String u = identity.userId();
        String e = identity.email();
        List<String> tombstones = new ArrayList<>(2);
        List<String> deletedLinks = new ArrayList<>(4);
        List<LinkedSubscribers.Write> rewrites = new ArrayList<>(1);
        if (u != null) {
            String userKey = SubscriberKey.ofUserId(tenant, u).encode();
            tombstones.add(userKey);
            Link ofUser = stores.link(userKey);
            if (ofUser != null) {
                deletedLinks.add(userKey);
                if (!ofUser.other().equals(e)) {
                    // Another e-mail of this userId: unlinked, both ends.
                    String partnerKey = SubscriberKey.ofEmail(tenant, ofUser.other()).encode();
                    Link back = stores.link(partnerKey);
                    if (back != null && back.other().equals(u)) {
                        deletedLinks.add(partnerKey);
                    }
                }
            }
        }
        if (e != null) {
            String emailKey = SubscriberKey.ofEmail(tenant, e).encode();
            tombstones.add(emailKey);
            Link ofEmail = stores.link(emailKey);
            if (ofEmail != null) {
                deletedLinks.add(emailKey);
                if (!ofEmail.other().equals(u)) {
                    // Another userId held this e-mail: it keeps its facts, without the e-mail.
                    String partnerKey = SubscriberKey.ofUserId(tenant, ofEmail.other()).encode();
                    Link back = stores.link(partnerKey);
                    if (back != null && back.other().equals(e)) {
                        deletedLinks.add(partnerKey);
                    }
                    StateRecord partner = stores.state(partnerKey);
                    if (partner != null && e.equals(partner.subscriber().email())) {
                        rewrites.add(new LinkedSubscribers.Write(partnerKey, new StateRecord(tenant,
                                new Subscriber(ofEmail.other(), null), partner.fields()), true));
                    }
                }
            }
        }
        return new Result(new Erasure(event.eventId(), tenant, event.occurredAt(), identity), List.copyOf(tombstones),
                List.copyOf(deletedLinks), List.copyOf(rewrites));
    }

    /** The named identifiers, completed through the links (and, for a userId without a link, its record). */
    private Subscriber resolve(String tenant, Subscriber named) {
        String u = named.userId();
        String e = named.email();
        if (u == null) {
            Link linked = stores.link(SubscriberKey.ofEmail(tenant, e).encode());
            u = linked == null ? null : linked.other();
        }
        if (e == null) {
            String userKey = SubscriberKey.ofUserId(tenant, u).encode();
            Link linked = stores.link(userKey);
            if (linked != null) {
                e = linked.other();
            } else {
                StateRecord record = stores.state(userKey);
                String held = record == null ? null : record.subscriber().email();
                Link heldLink = held == null ? null : stores.link(SubscriberKey.ofEmail(tenant, held).encode());
                // The e-mail its record holds, unless another userId has taken it since.
                e = heldLink == null || heldLink.other().equals(u) ? held : null;
            }
        }
        return new Subscriber(u, e);
    }
}
