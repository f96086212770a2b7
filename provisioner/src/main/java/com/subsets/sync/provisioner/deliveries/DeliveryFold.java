package com.subsets.sync.provisioner.deliveries;

import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.provisioner.erasure.ErasureStatus;
import com.subsets.sync.provisioner.erasure.ErasureStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Folds the dispatchers' answer records into one row per tenant, destination and subscriber (its state key), as the
 * table keeps them: the values last accepted, the last answer, the last dead letter, each the newest by time (the
 * later record on a tie: records of one tenant arrive in order). Pure: the consumer folds a batch, then upserts it in
 * one statement, whose own merge with the stored row follows the same rule.
 */
public final class DeliveryFold {

    /** One subscriber at one destination, as far as the folded records tell. */
    public static final class Entry {
        public final String tenantId;
        public final String kind;
        public final String stateKey;
        public Subscriber subscriber;
        public Instant deliveredAt;
        public Map<String, String> deliveredValues;
        public Instant answeredAt;
        public SubscriberDeliveries.Outcome answer;
        public String answerReason;
        public String answerDetail;
        public Instant deadLetterAt;
        public String deadLetterReason;
        public String deadLetterDetail;
        public Map<String, String> deadLetterValues;

        Entry(String tenantId, String kind, String stateKey) {
            this.tenantId = tenantId;
            this.kind = kind;
            this.stateKey = stateKey;
        }

        void add(Instant at, SubscriberDeliveries.Row row) {
            if (answeredAt == null || !at.isBefore(answeredAt)) {
                answeredAt = at;
                subscriber = row.subscriber();
                answer = row.outcome();
                answerReason = row.outcome() == SubscriberDeliveries.Outcome.ACCEPTED ? null : row.reason();
                answerDetail = row.outcome() == SubscriberDeliveries.Outcome.ACCEPTED ? null : row.detail();
            }
            if (row.outcome() == SubscriberDeliveries.Outcome.ACCEPTED && (deliveredAt == null || !at.isBefore(deliveredAt))) {
                deliveredAt = at;
                deliveredValues = row.values();
            }
            if (row.outcome() == SubscriberDeliveries.Outcome.DEAD_LETTERED && (deadLetterAt == null || !at.isBefore(deadLetterAt))) {
                deadLetterAt = at;
                deadLetterReason = row.reason();
                deadLetterDetail = row.detail();
                deadLetterValues = row.values();
            }
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<ErasureStore.Answer> erasures = new ArrayList<>();
    private int rows;

    /** Folds one record's rows in; a row that carried out an erasure is no delivery: it is kept apart, as the erasure's answer. */
    public void add(SubscriberDeliveries record) {
        for (SubscriberDeliveries.Row row : record.rows()) {
            if (row.erasureId() != null) {
                // An id off the contract's rule names no erasure: passed over (never a delivery either).
                if (ErasureStatus.isErasureId(row.erasureId())) {
                    erasures.add(new ErasureStore.Answer(record.tenantId(), record.destination(), row, record.at()));
                    // Answers about them folded earlier in this batch came before the erasure was carried out: not kept.
                    forgetEntries(record.tenantId(), record.destination(), row.subscriber());
                }
                continue;
            }
            String stateKey = row.stateKey(record.tenantId());
            entries.computeIfAbsent(record.tenantId() + '\n' + record.destination() + '\n' + stateKey,
                    k -> new Entry(record.tenantId(), record.destination(), stateKey)).add(record.at(), row);
            rows++;
        }
    }

    private void forgetEntries(String tenantId, String kind, Subscriber who) {
        entries.values().removeIf(e -> e.tenantId.equals(tenantId) && e.kind.equals(kind) && e.subscriber != null
                && ((who.userId() != null && who.userId().equals(e.subscriber.userId()))
                || (who.email() != null && who.email().equals(e.subscriber.email()))));
    }

    /** One entry per tenant, destination and subscriber, in the order first seen. */
    public Collection<Entry> entries() {
        return entries.values();
    }

    /** Rows folded in (at least the number of entries). */
    public int rows() {
        return rows;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The erase rows' answers, in the order read (each becomes its erasure's status at the destination, never a row here). */
    public List<ErasureStore.Answer> erasures() {
        return erasures;
    }
}
