package com.subsets.sync.provisioner.notifications;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One notice from the outbox: {@code id} is stable across retries (receivers deduplicate on it), {@code reason} the
 * vendor's own words, {@code details} what else a run notice carries. Never a secret: nothing here is read from
 * the credentials.
 */
public record Notice(String id, NoticeType type, String tenantId, String destination, String reason, JsonObject details,
                     Instant occurredAt) {

    /** The webhook body, as documented in the README and {@code notifications/notification-webhook.v1.schema.json}. */
    public JsonObject webhookBody() {
        return new JsonObject()
                .put("id", id)
                .put("type", type.wireName())
                .put("occurredAt", occurredAt.toString())
                .put("tenantId", tenantId)
                .put("destination", destination)
                .put("status", type.status())
                .put("reason", reason)
                .put("details", details == null ? new JsonObject() : details);
    }

    /** The e-mail's subject line. */
    public String subject() {
        String vendor = vendor();
        return switch (type) {
            case FAILED -> "Subsets: the " + vendor + " connection for " + tenantId + " is not working";
            case DEGRADED -> "Subsets: updates to " + vendor + " for " + tenantId + " are paused";
            case RECOVERED -> "Subsets: the " + vendor + " connection for " + tenantId + " works again";
            case RUN_FINISHED -> "Subsets: a full send to " + vendor + " for " + tenantId + " has finished";
            case DEAD_LETTERS -> "Subsets: updates to " + vendor + " for " + tenantId + " are failing";
            case DAILY_SUMMARY -> "Subsets: " + vendor + " updates for " + tenantId + " on " + detail("day", "the day before");
        };
    }

    /** A plain-text body a marketer understands: what happened, what the vendor said, what happens next. */
    public String text() {
        String vendor = vendor();
        StringBuilder text = new StringBuilder("Hello,\n\n");
        switch (type) {
            case FAILED -> text.append("Subsets could not set up the ").append(vendor).append(" connection for ").append(tenantId)
                    .append(", so experiment data is not being sent to ").append(vendor).append(" right now.\n\n")
                    .append("What ").append(vendor).append(" said: ").append(reasonOr("no reason given")).append("\n\n")
                    .append("What to do: check the connection's key or credentials and permissions in ").append(vendor)
                    .append(", then save the connection again in Subsets. If the problem was temporary, Subsets keeps trying by "
                            + "itself and will tell you when it works again.\n");
            case DEGRADED -> text.append(vendor).append(" keeps failing the updates Subsets sends for ").append(tenantId)
                    .append(", so Subsets has paused sending to it and checks regularly whether it answers again.\n\n")
                    .append("What ").append(vendor).append(" said: ").append(reasonOr("no reason given")).append("\n\n")
                    .append("Nothing is lost: once ").append(vendor).append(" answers again, every change made in the meantime is "
                            + "sent, and you will get another message.\n");
            case RECOVERED -> text.append("The ").append(vendor).append(" connection for ").append(tenantId)
                    .append(" works again. Updates are flowing, and any changes made while it was down are being sent now.\n");
            case RUN_FINISHED -> text.append("Subsets has finished sending ").append(tenantId).append("'s subscribers to ")
                    .append(vendor).append(" (").append(details == null ? "a full send" : details.getString("reason", "a full send"))
                    .append("): ").append(details == null ? 0 : details.getLong("sent", 0L)).append(" sent.\n")
                    .append(reason == null ? "" : "\nLast problem reported by " + vendor + ": " + reason + "\n");
            case DEAD_LETTERS -> text.append(count("deadLettered")).append(" updates for ").append(tenantId).append(" could not be "
                            + "delivered to ").append(vendor).append(" in the last hour (you are told from ").append(count("deadLettersPerHour"))
                    .append(" an hour) and were set aside.\n\n")
                    .append("What ").append(vendor).append(" said: ").append(reasonOr("no reason given")).append("\n\n")
                    .append("What to do: fix what ").append(vendor).append(" complains about, then send the set-aside updates again "
                            + "(a replay of the connection's dead letters). You will not be told again unless the failures "
                            + "drop below that number and rise above it again.\n");
            case DAILY_SUMMARY -> text.append("What Subsets sent to ").append(vendor).append(" for ").append(tenantId).append(" on ")
                    .append(detail("day", "the day before")).append(" (UTC):\n\n")
                    .append("- subscribers updated: ").append(details == null || details.getValue("uniqueUpdated") == null ? "not counted"
                            : "about " + details.getValue("uniqueUpdated")).append("\n")
                    .append("- updates delivered: ").append(count("updated")).append("\n")
                    .append("- updates refused by ").append(vendor).append(": ").append(count("rejected")).append("\n")
                    .append("- updates set aside after repeated failures: ").append(count("deadLettered")).append("\n")
                    .append(reason == null ? "" : "\nLast problem reported by " + vendor + " that day: " + reason + "\n");
        }
        text.append("\nWhen: ").append(occurredAt).append(" (UTC)\n")
                .append("Reference: ").append(id).append("\n\n")
                .append("You receive this because your address is on the ").append(vendor)
                .append(" connection's notification list in Subsets.\n");
        return text.toString();
    }

    private long count(String name) {
        return details == null || !(details.getValue(name) instanceof Number n) ? 0 : n.longValue();
    }

    private String detail(String name, String fallback) {
        return details == null || details.getString(name) == null ? fallback : details.getString(name);
    }

    private String reasonOr(String fallback) {
        return reason == null || reason.isBlank() ? fallback : reason;
    }

    private String vendor() {
        return switch (destination) {
            case "iterable" -> "Iterable";
            case "blueconic" -> "BlueConic";
            default -> destination;
        };
    }
}
