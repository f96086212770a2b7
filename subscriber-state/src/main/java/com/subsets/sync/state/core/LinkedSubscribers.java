package com.subsets.sync.state.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber, several identifiers (issue 25). Within a tenant an event naming a userId and an e-mail links
 * them, one to one, and the newest event naming both wins (event time, then offset), for the link as for the
 * fields. Every fact applies to the subscriber its event names: by its userId when the event gives one; else to
 * the userId its e-mail is linked to; else to a subscriber known by that e-mail only.
 *
 * <p>States are kept under {@link SubscriberKey#ofState} keys: a userId's, or an e-mail's that no link claims. When a
 * newer event links userId {@code u} and e-mail {@code e}: a userId {@code e} was linked to loses its e-mail (its
 * record is written again without it); an e-mail {@code u} was linked to is unlinked (its later e-mail-only events
 * make an e-mail-only subscriber again); the e-mail-only state of {@code e}, if any, is merged into {@code u}'s
 * field by field, deleted and tombstoned; {@code u}'s record carries {@code (u, e)}. An older claim leaves the links
 * as they are (its facts still apply to {@code u}).
 *
 * <p>Pure: it reads and writes links through {@link Stores} and answers with the states to write; the stream keeps
 * both in RocksDB with their changelogs.
 */
public final class LinkedSubscribers {

    /** The two stores, as the rule reads them: states and links, each under {@link SubscriberKey} encodings. */
    public interface Stores {

        /** The state kept under this key, or null. */
        StateRecord state(String key);

        /** The link kept under this key (a userId's: its e-mail; an e-mail's: its userId), or null. */
        Link link(String key);

        void putLink(String key, Link link);

        void deleteLink(String key);
    }

    /**
     * A state to keep under {@code key} and, when {@code send}, to write to the state topic; a null {@code record}
     * deletes the key and writes its tombstone.
     */
    public record Write(String key, StateRecord record, boolean send) {
    }

    /** What an event did to the links. */
    public enum LinkChange {
        /** Nothing: no pair named, the pair already linked, or a claim older than a link it contradicts. */
        NONE,
        /** A userId and an e-mail, neither linked before, linked. */
        MADE,
        /** A userId or an e-mail taken from another link. */
        MOVED
    }

    /**
     * What an event did: to its subscriber's fields (CHANGED also when its record changed through a link: a new
     * identity, facts merged in), the writes in order, and what it did to the links.
     */
    public record Result(SubscriberState.Applied applied, List<Write> writes, LinkChange link) {
    }

    private final Stores stores;

    public LinkedSubscribers(Stores stores) {
        this.stores = stores;
    }

    public Result apply(AssignmentEvent event, long offset) {
        String tenant = event.tenantId();
        String userId = event.subscriber().userId();
        String email = event.subscriber().email();
        if (userId != null && email != null) {
            return applyPair(event, offset, tenant, userId, email);
        }
        if (userId != null) {
            // Named by userId alone: no link to look up, the record knows its e-mail.
            return applyTo(event, offset, SubscriberKey.ofUserId(tenant, userId).encode(), event.subscriber());
        }
        Link linked = stores.link(SubscriberKey.ofEmail(tenant, email).encode());
        return linked == null
                ? applyTo(event, offset, SubscriberKey.ofEmail(tenant, email).encode(), event.subscriber())
                : applyTo(event, offset, SubscriberKey.ofUserId(tenant, linked.other()).encode(), new Subscriber(linked.other(), email));
    }

    /** The event's facts on the state under {@code key}; {@code identity} is a new state's. */
    private Result applyTo(AssignmentEvent event, long offset, String key, Subscriber identity) {
        StateRecord stored = stores.state(key);
        SubscriberState state = stored == null ? new SubscriberState() : SubscriberState.of(stored.fields());
        SubscriberState.Applied applied = state.apply(event, offset);
        if (applied != SubscriberState.Applied.CHANGED && applied != SubscriberState.Applied.REFRESHED) {
            return new Result(applied, List.of(), LinkChange.NONE);
        }
        StateRecord record = new StateRecord(event.tenantId(), stored == null ? identity : stored.subscriber(), state.fields());
        return new Result(applied, List.of(new Write(key, record, applied == SubscriberState.Applied.CHANGED)), LinkChange.NONE);
    }

    private Result applyPair(AssignmentEvent event, long offset, String tenant, String userId, String email) {
        String userKey = SubscriberKey.ofUserId(tenant, userId).encode();
        String emailKey = SubscriberKey.ofEmail(tenant, email).encode();
        Instant at = event.occurredAt();
        Link ofEmail = stores.link(emailKey);
        Link ofUser = stores.link(userKey);
        StateRecord stored = stores.state(userKey);
        SubscriberState state = stored == null ? new SubscriberState() : SubscriberState.of(stored.fields());
        Subscriber identity = stored == null ? new Subscriber(userId, null) : stored.subscriber();
        List<Write> writes = new ArrayList<>(3);
        LinkChange change = LinkChange.NONE;
        boolean newer = (ofEmail == null || ofEmail.isOlderThan(at, offset)) && (ofUser == null || ofUser.isOlderThan(at, offset));
        if (newer) {
            boolean linkedAlready = ofEmail != null && ofEmail.other().equals(userId);
            if (!linkedAlready) {
                change = ofEmail == null && ofUser == null ? LinkChange.MADE : LinkChange.MOVED;
                if (ofEmail != null) {
                    // The e-mail moves here: its former userId keeps its facts, without an e-mail.
                    String formerKey = SubscriberKey.ofUserId(tenant, ofEmail.other()).encode();
                    stores.deleteLink(formerKey);
                    StateRecord former = stores.state(formerKey);
                    if (former != null) {
                        writes.add(new Write(formerKey, new StateRecord(tenant, new Subscriber(ofEmail.other(), null),
                                former.fields()), true));
                    }
                }
                if (ofUser != null) {
                    // This userId's former e-mail is linked to nothing now.
                    stores.deleteLink(SubscriberKey.ofEmail(tenant, ofUser.other()).encode());
                }
                StateRecord emailOnly = stores.state(emailKey);
                if (emailOnly != null) {
                    state.merge(emailOnly.fields());
                    writes.add(new Write(emailKey, null, true));
                }
                identity = new Subscriber(userId, email);
            }
            // Made, moved or confirmed: either side now carries this event, so an older claim cannot undo it.
            stores.putLink(emailKey, new Link(userId, at, offset));
            stores.putLink(userKey, new Link(email, at, offset));
        }
        SubscriberState.Applied applied = state.apply(event, offset);
        // A link made or moved gives the record a new identity (and maybe facts merged in), to write even when the
        // event's own facts are older than what it holds.
        if (change != LinkChange.NONE && applied != SubscriberState.Applied.CHANGED) {
            applied = SubscriberState.Applied.CHANGED;
        }
        if (applied == SubscriberState.Applied.CHANGED || applied == SubscriberState.Applied.REFRESHED) {
            writes.add(new Write(userKey, new StateRecord(tenant, identity, state.fields()), applied == SubscriberState.Applied.CHANGED));
        }
        return new Result(applied, writes, change);
    }
}
