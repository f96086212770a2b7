package com.subsets.sync.provisioner.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure core: which change sends which notice, the signature, the settings' rules, what a notice says. */
class NotificationsCoreTest {

    private static final String SECRET = "whsec-0123456789abcdef";

    @Test
    void eachChangeOfHealthSendsOneNoticeAndRepeatsSendNone() {
        assertThat(Health.NEW.after(Health.Observation.READY)).isEqualTo(new Health.Transition(Health.HEALTHY, null));
        assertThat(Health.NEW.after(Health.Observation.FAILED)).isEqualTo(new Health.Transition(Health.FAILED, NoticeType.FAILED));
        assertThat(Health.FAILED.after(Health.Observation.FAILED)).isEqualTo(new Health.Transition(Health.FAILED, null));
        assertThat(Health.FAILED.after(Health.Observation.READY)).isEqualTo(new Health.Transition(Health.HEALTHY, NoticeType.RECOVERED));
        assertThat(Health.HEALTHY.after(Health.Observation.READY)).isEqualTo(new Health.Transition(Health.HEALTHY, null));
        assertThat(Health.HEALTHY.after(Health.Observation.PARKED)).isEqualTo(new Health.Transition(Health.DEGRADED, NoticeType.DEGRADED));
        assertThat(Health.DEGRADED.after(Health.Observation.PARKED)).isEqualTo(new Health.Transition(Health.DEGRADED, null));
        assertThat(Health.DEGRADED.after(Health.Observation.READY)).as("a READY revision is no recovery of a parked lane")
                .isEqualTo(new Health.Transition(Health.DEGRADED, null));
        assertThat(Health.DEGRADED.after(Health.Observation.UNPARKED)).isEqualTo(new Health.Transition(Health.HEALTHY, NoticeType.RECOVERED));
        assertThat(Health.HEALTHY.after(Health.Observation.UNPARKED)).isEqualTo(new Health.Transition(Health.HEALTHY, null));
        assertThat(Health.DEGRADED.after(Health.Observation.FAILED)).isEqualTo(new Health.Transition(Health.FAILED, NoticeType.FAILED));
    }

    @Test
    void theSignatureIsAnHmacOfTheTimestampAndBodyAndAnOldOneIsRefused() {
        String body = "{\"id\":\"1\"}";
        String header = WebhookSignature.header(SECRET, 1_700_000_000L, body);
        // openssl: printf '1700000000.{"id":"1"}' | openssl dgst -sha256 -hmac whsec-0123456789abcdef
        assertThat(header).isEqualTo("t=1700000000,v1=51ab7b92e010e78aa00efd39576b4c5b7a55dceae782c446fe893eb8748de0fc");
        assertThat(WebhookSignature.verify(header, SECRET, body, 1_700_000_100L, 300)).isTrue();
        assertThat(WebhookSignature.verify(header, SECRET, body, 1_700_000_400L, 300)).as("replayed later").isFalse();
        assertThat(WebhookSignature.verify(header, SECRET, body + " ", 1_700_000_000L, 300)).as("another body").isFalse();
        assertThat(WebhookSignature.verify(header.replace("t=1700000000", "t=1700000300"), SECRET, body, 1_700_000_300L, 300))
                .as("a moved timestamp").isFalse();
        assertThat(WebhookSignature.verify(header, "another-secret-0123456", body, 1_700_000_000L, 300)).isFalse();
    }

    @Test
    void anHttpWebhookIsRefusedOutsideLocalModeAndTheSecretIsNeverQuoted() {
        JsonObject notifications = new JsonObject().put("webhook", new JsonObject().put("url", "http://hooks.example/x").put("secret", SECRET));
        List<Violation> violations = new ArrayList<>();
        new NotificationSettingsReader(false, true).read(notifications, (p, m) -> violations.add(new Violation(p, m)));
        assertThat(violations).extracting(Violation::path).containsExactly("notifications.webhook.url");
        assertThat(violations.get(0).message()).startsWith("must be an https URL (http is allowed only in local mode");

        List<Violation> local = new ArrayList<>();
        NotificationSettings read = new NotificationSettingsReader(true, true).read(notifications, (p, m) -> local.add(new Violation(p, m)));
        assertThat(local).isEmpty();
        assertThat(read.webhook().url()).isEqualTo("http://hooks.example/x");
        assertThat(read.on()).isEqualTo(NotificationSettings.NotifyOn.FAILURES);
        assertThat(read.toString()).doesNotContain(SECRET);

        List<Violation> bad = new ArrayList<>();
        new NotificationSettingsReader(false, false).read(new JsonObject()
                .put("emails", new JsonArray().add("a@b.example").add("not an address").add("A@b.example"))
                .put("webhook", new JsonObject().put("url", "https://user:pw@hooks.example/x").put("secret", "short secret"))
                .put("on", "sometimes").put("sms", true), (p, m) -> bad.add(new Violation(p, m)));
        assertThat(bad).extracting(Violation::path).containsExactlyInAnyOrder("notifications.sms", "notifications.emails",
                "notifications.emails[1]", "notifications.emails[2]", "notifications.webhook.url", "notifications.webhook.secret",
                "notifications.on");
        assertThat(bad).allSatisfy(v -> assertThat(v.message()).doesNotContain("short secret"));
        assertThat(bad).filteredOn(v -> v.path().equals("notifications.emails")).extracting(Violation::message)
                .containsExactly("e-mail notifications need an SMTP relay: this provisioner has no PROVISIONER_SMTP_HOST");
    }

    @Test
    void aNoticeSaysWhatHappenedInTheVendorsWordsInPlainText() {
        Notice failed = new Notice("0b7c", NoticeType.FAILED, "acme", "iterable",
                "Iterable answered 401: Invalid API key", new JsonObject(), Instant.parse("2025-03-01T10:00:00Z"));
        assertThat(failed.subject()).isEqualTo("Subsets: the Iterable connection for acme is not working");
        assertThat(failed.text()).contains("What Iterable said: Iterable answered 401: Invalid API key")
                .contains("save the connection again").contains("2025-03-01T10:00:00Z").contains("Reference: 0b7c");
        JsonObject body = failed.webhookBody();
        assertThat(body.fieldNames()).containsExactlyInAnyOrder("id", "type", "occurredAt", "tenantId", "destination", "status",
                "reason", "details");
        assertThat(body.getString("type")).isEqualTo("destination.failed");
        assertThat(body.getString("status")).isEqualTo("FAILED");
        Notice run = new Notice("1", NoticeType.RUN_FINISHED, "acme", "blueconic", null,
                new JsonObject().put("reason", "ready").put("sent", 12L), Instant.EPOCH);
        assertThat(run.text()).contains("finished sending acme's subscribers to BlueConic (ready): 12 sent.");
        assertThat(run.webhookBody().getValue("status")).isNull();
    }

    @Test
    void deadLettersAreToldWhenTheyReachTheThresholdAndAgainOnlyAfterFallingBelowIt() {
        assertThat(DeadLetterAlarm.decide(false, 3, 4, 5)).isEqualTo(new DeadLetterAlarm.Decision(false, false));
        assertThat(DeadLetterAlarm.decide(false, 4, 5, 5)).as("reaching it").isEqualTo(new DeadLetterAlarm.Decision(true, true));
        assertThat(DeadLetterAlarm.decide(true, 5, 9, 5)).as("still above: told once").isEqualTo(new DeadLetterAlarm.Decision(true, false));
        assertThat(DeadLetterAlarm.decide(true, 2, 3, 5)).as("below again: armed, nothing told")
                .isEqualTo(new DeadLetterAlarm.Decision(false, false));
        assertThat(DeadLetterAlarm.decide(true, 0, 7, 5)).as("the hour emptied since the last report, then above again")
                .isEqualTo(new DeadLetterAlarm.Decision(true, true));
        assertThat(DeadLetterAlarm.decide(false, 0, 1, 1)).isEqualTo(new DeadLetterAlarm.Decision(true, true));
    }

    @Test
    void theThresholdDefaultsToTheProvisionersAndIsValidated() {
        JsonObject webhook = new JsonObject().put("url", "https://hooks.example/x").put("secret", SECRET);
        List<Violation> none = new ArrayList<>();
        NotificationSettings defaulted = new NotificationSettingsReader(false, false, 40)
                .read(new JsonObject().put("webhook", webhook), (p, m) -> none.add(new Violation(p, m)));
        assertThat(none).isEmpty();
        assertThat(defaulted.deadLettersPerHour()).isEqualTo(40);
        NotificationSettings named = new NotificationSettingsReader(false, false, 40)
                .read(new JsonObject().put("webhook", webhook).put("deadLettersPerHour", 3), (p, m) -> none.add(new Violation(p, m)));
        assertThat(named.deadLettersPerHour()).isEqualTo(3);
        for (Object bad : new Object[] {0, -1, 2.5, "10", 10_000_001}) {
            List<Violation> problems = new ArrayList<>();
            new NotificationSettingsReader(false, false, 40).read(new JsonObject().put("webhook", webhook).put("deadLettersPerHour", bad),
                    (p, m) -> problems.add(new Violation(p, m)));
            assertThat(problems).as(String.valueOf(bad)).containsExactly(new Violation("notifications.deadLettersPerHour",
                    "must be a whole number from 1 to 10000000, was " + bad));
        }
    }

    @Test
    void theDeadLetterNoticeAndTheDailySummarySayTheirCountsInPlainText() {
        Notice dead = new Notice("2", NoticeType.DEAD_LETTERS, "acme", "iterable", "Iterable answered 400: Invalid email",
                new JsonObject().put("deadLettered", 12L).put("deadLettersPerHour", 10), Instant.EPOCH);
        assertThat(dead.subject()).isEqualTo("Subsets: updates to Iterable for acme are failing");
        assertThat(dead.text()).contains("12 updates for acme could not be delivered to Iterable in the last hour (you are told from 10 an hour)")
                .contains("What Iterable said: Iterable answered 400: Invalid email");
        assertThat(dead.webhookBody().getString("type")).isEqualTo("destination.dead_letters");
        Notice daily = new Notice("3", NoticeType.DAILY_SUMMARY, "acme", "blueconic", null, new JsonObject().put("day", "2025-03-01")
                .put("updated", 40L).put("rejected", 2L).put("deadLettered", 1L).put("uniqueUpdated", 31L), Instant.EPOCH);
        assertThat(daily.subject()).isEqualTo("Subsets: BlueConic updates for acme on 2025-03-01");
        assertThat(daily.text()).contains("- subscribers updated: about 31\n").contains("- updates delivered: 40\n")
                .contains("- updates refused by BlueConic: 2\n").contains("- updates set aside after repeated failures: 1\n");
        assertThat(daily.webhookBody().getString("type")).isEqualTo("daily.summary");
    }
}
