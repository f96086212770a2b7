package com.subsets.sync.provisioner.deliveries;

import com.subsets.sync.provisioner.core.DestinationKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code subscriber_delivery} table: one row per tenant, destination and subscriber, upserted a batch at a time
 * (one statement for a whole {@link DeliveryFold}), read per subscriber by the deliveries API.
 */
public final class SubscriberDeliveryStore {

    /** A subscriber's row at one destination. */
    public record Stored(String kind, String stateKey, String userId, String email, OffsetDateTime deliveredAt,
                         JsonObject deliveredValues, OffsetDateTime answeredAt, String answer, String answerReason,
                         String answerDetail, OffsetDateTime deadLetterAt, String deadLetterReason, String deadLetterDetail,
                         JsonObject deadLetterValues) {
    }

    private static final String UPSERT = """
            INSERT INTO subscriber_delivery AS d (tenant_id, kind, state_key, user_id, email, delivered_at, delivered_values,
                answered_at, answer, answer_reason, answer_detail, dead_letter_at, dead_letter_reason, dead_letter_detail,
                dead_letter_values)
            SELECT u.tenant_id, u.kind, u.state_key, u.user_id, u.email, u.delivered_at, u.delivered_values::jsonb,
                   u.answered_at, u.answer, u.answer_reason, u.answer_detail, u.dead_letter_at, u.dead_letter_reason,
                   u.dead_letter_detail, u.dead_letter_values::jsonb
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                        $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::text[], $14::text[],
                        $15::text[])
                 AS u(tenant_id, kind, state_key, user_id, email, delivered_at, delivered_values, answered_at, answer,
                      answer_reason, answer_detail, dead_letter_at, dead_letter_reason, dead_letter_detail, dead_letter_values)
            WHERE EXISTS (SELECT 1 FROM destination x WHERE x.tenant_id = u.tenant_id AND x.kind = u.kind)
            ON CONFLICT (tenant_id, kind, state_key) DO UPDATE SET
                user_id = CASE WHEN EXCLUDED.answered_at >= d.answered_at THEN EXCLUDED.user_id ELSE d.user_id END,
                email = CASE WHEN EXCLUDED.answered_at >= d.answered_at THEN EXCLUDED.email ELSE d.email END,
                answer = CASE WHEN EXCLUDED.answered_at >= d.answered_at THEN EXCLUDED.answer ELSE d.answer END,
                answer_reason = CASE WHEN EXCLUDED.answered_at >= d.answered_at THEN EXCLUDED.answer_reason ELSE d.answer_reason END,
                answer_detail = CASE WHEN EXCLUDED.answered_at >= d.answered_at THEN EXCLUDED.answer_detail ELSE d.answer_detail END,
                answered_at = GREATEST(d.answered_at, EXCLUDED.answered_at),
                delivered_values = CASE WHEN EXCLUDED.delivered_at >= d.delivered_at OR d.delivered_at IS NULL
                    THEN COALESCE(EXCLUDED.delivered_values, d.delivered_values) ELSE d.delivered_values END,
                delivered_at = GREATEST(d.delivered_at, EXCLUDED.delivered_at),
                dead_letter_reason = CASE WHEN EXCLUDED.dead_letter_at >= d.dead_letter_at OR d.dead_letter_at IS NULL
                    THEN COALESCE(EXCLUDED.dead_letter_reason, d.dead_letter_reason) ELSE d.dead_letter_reason END,
                dead_letter_detail = CASE WHEN EXCLUDED.dead_letter_at >= d.dead_letter_at OR d.dead_letter_at IS NULL
                    THEN COALESCE(EXCLUDED.dead_letter_detail, d.dead_letter_detail) ELSE d.dead_letter_detail END,
                dead_letter_values = CASE WHEN EXCLUDED.dead_letter_at >= d.dead_letter_at OR d.dead_letter_at IS NULL
                    THEN COALESCE(EXCLUDED.dead_letter_values, d.dead_letter_values) ELSE d.dead_letter_values END,
                dead_letter_at = GREATEST(d.dead_letter_at, EXCLUDED.dead_letter_at)""";

    private static final String COLUMNS = "kind, state_key, user_id, email, delivered_at, delivered_values, answered_at, answer, "
            + "answer_reason, answer_detail, dead_letter_at, dead_letter_reason, dead_letter_detail, dead_letter_values";

    private final Pool pool;

    public SubscriberDeliveryStore(Pool pool) {
        this.pool = pool;
    }

    /** Upserts every entry of the fold in one statement; the number of rows written (entries of unknown destinations are not). */
    public Future<Integer> upsert(DeliveryFold fold) {
        int n = fold.entries().size();
        String[] tenants = new String[n], kinds = new String[n], keys = new String[n], userIds = new String[n], emails = new String[n];
        OffsetDateTime[] deliveredAt = new OffsetDateTime[n], answeredAt = new OffsetDateTime[n], deadAt = new OffsetDateTime[n];
        String[] deliveredValues = new String[n], answers = new String[n], reasons = new String[n], details = new String[n];
        String[] deadReasons = new String[n], deadDetails = new String[n], deadValues = new String[n];
        int i = 0;
        for (DeliveryFold.Entry e : fold.entries()) {
            tenants[i] = e.tenantId;
            kinds[i] = e.kind;
            keys[i] = e.stateKey;
            userIds[i] = e.subscriber.userId();
            emails[i] = e.subscriber.email();
            deliveredAt[i] = utc(e.deliveredAt);
            deliveredValues[i] = json(e.deliveredValues);
            answeredAt[i] = utc(e.answeredAt);
            answers[i] = e.answer.wire();
            reasons[i] = e.answerReason;
            details[i] = e.answerDetail;
            deadAt[i] = utc(e.deadLetterAt);
            deadReasons[i] = e.deadLetterReason;
            deadDetails[i] = e.deadLetterDetail;
            deadValues[i] = json(e.deadLetterValues);
            i++;
        }
        Tuple args = Tuple.tuple().addArrayOfString(tenants).addArrayOfString(kinds).addArrayOfString(keys)
                .addArrayOfString(userIds).addArrayOfString(emails).addArrayOfOffsetDateTime(deliveredAt)
                .addArrayOfString(deliveredValues).addArrayOfOffsetDateTime(answeredAt).addArrayOfString(answers)
                .addArrayOfString(reasons).addArrayOfString(details).addArrayOfOffsetDateTime(deadAt)
                .addArrayOfString(deadReasons).addArrayOfString(deadDetails).addArrayOfString(deadValues);
        return pool.preparedQuery(UPSERT).execute(args).map(SqlResult::rowCount);
    }

    /**
     * The subscriber's rows: by userId, the row of its state key ({@code tenant␟userId␟}); by e-mail, every row whose
     * subscriber has that e-mail or whose state key is the e-mail's. Newest answer first.
     */
    public Future<List<Stored>> find(String tenantId, String stateKey, String email) {
        // The kinds spelled out, so the state key is found through the primary key (tenant, kind, state key) for each
        // kind rather than by reading every row of the tenant.
        String[] kinds = java.util.Arrays.stream(DestinationKind.values()).map(DestinationKind::wireName).toArray(String[]::new);
        String sql = email == null
                ? "SELECT " + COLUMNS + " FROM subscriber_delivery WHERE tenant_id = $1 AND kind = ANY($3) AND state_key = $2 "
                        + "ORDER BY answered_at DESC"
                : "SELECT " + COLUMNS + " FROM subscriber_delivery WHERE tenant_id = $1 AND ((kind = ANY($3) AND state_key = $2) "
                        + "OR email = $4) ORDER BY answered_at DESC LIMIT 20";
        Tuple args = Tuple.of(tenantId, stateKey).addArrayOfString(kinds);
        if (email != null) {
            args.addString(email);
        }
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<Stored> out = new ArrayList<>();
            rows.forEach(r -> out.add(stored(r)));
            return out;
        });
    }

    private static Stored stored(Row r) {
        return new Stored(r.getString("kind"), r.getString("state_key"), r.getString("user_id"), r.getString("email"),
                r.getOffsetDateTime("delivered_at"), (JsonObject) r.getValue("delivered_values"), r.getOffsetDateTime("answered_at"),
                r.getString("answer"), r.getString("answer_reason"), r.getString("answer_detail"), r.getOffsetDateTime("dead_letter_at"),
                r.getString("dead_letter_reason"), r.getString("dead_letter_detail"), (JsonObject) r.getValue("dead_letter_values"));
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    private static String json(Map<String, String> values) {
        if (values == null) {
            return null;
        }
        JsonObject json = new JsonObject();
        values.forEach(json::put);
        return json.encode();
    }
}
