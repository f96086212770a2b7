package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TestSubscribersTest {

    @Test
    void readsUpTo25SubscribersAndNamesTheirStateKeys() {
        TestSubscribers.Read read = TestSubscribers.read(new JsonObject().put("subscribers", new JsonArray()
                .add(new JsonObject().put("userId", "u1").put("email", "u1@example.com"))
                .add(new JsonObject().put("email", "e@example.com"))
                .add(new JsonObject().put("userId", "u1"))));
        assertThat(read.problems()).isEmpty();
        assertThat(TestSubscribers.stateKeys("acme", read.subscribers()))
                .as("a userId subscriber by its userId, an e-mail-only one by its e-mail, each once")
                .containsExactly("acme\u001Fu1\u001F", "acme\u001F\u001Fe@example.com");
        assertThat(TestSubscribers.ofStateKey("acme\u001F\u001Fe@example.com")).isEqualTo(new Subscriber(null, "e@example.com"));
    }

    @Test
    void refusesEveryProblemAtOnce() {
        JsonArray many = new JsonArray();
        for (int i = 0; i < 26; i++) {
            many.add(new JsonObject().put("userId", "u" + i));
        }
        assertThat(TestSubscribers.read(new JsonObject().put("subscribers", many)).problems()).extracting(Violation::path)
                .containsExactly("subscribers");
        assertThat(TestSubscribers.read(new JsonObject().put("subscribers", new JsonArray())).problems()).isNotEmpty();
        TestSubscribers.Read bad = TestSubscribers.read(new JsonObject().put("extra", 1).put("subscribers", new JsonArray()
                .add(new JsonObject()).add(new JsonObject().put("email", "not-an-address")).add("u1")
                .add(new JsonObject().put("userId", "u\u0001")).add(new JsonObject().put("userId", "ok").put("phone", "1"))));
        assertThat(bad.subscribers()).isEmpty();
        assertThat(bad.problems()).extracting(Violation::path).containsExactly("extra", "subscribers[0]", "subscribers[1].email",
                "subscribers[2]", "subscribers[3].userId", "subscribers[4].phone");
    }

    @Test
    void theSavedListTakesNoneToTwentyFiveByTheSameRules() {
        assertThat(TestSubscribers.saved(null).subscribers()).as("left out: none").isEmpty();
        assertThat(TestSubscribers.saved(new JsonArray()).problems()).as("an empty list: none").isEmpty();
        JsonArray two = new JsonArray().add(new JsonObject().put("userId", "u1")).add(new JsonObject().put("email", "e@example.com"));
        TestSubscribers.Read read = TestSubscribers.saved(two);
        assertThat(read.subscribers()).containsExactly(new Subscriber("u1", null), new Subscriber(null, "e@example.com"));
        assertThat(TestSubscribers.json(read.subscribers())).as("saved and shown as given").isEqualTo(two);
        JsonArray many = new JsonArray();
        for (int i = 0; i < 26; i++) {
            many.add(new JsonObject().put("userId", "u" + i));
        }
        assertThat(TestSubscribers.saved(many).problems()).containsExactly(new Violation("testSubscribers",
                "must hold 0 to 25 subscribers, not 26"));
        assertThat(TestSubscribers.saved(new JsonArray().add(new JsonObject().put("email", "nope"))).problems())
                .extracting(Violation::path).containsExactly("testSubscribers[0].email");
        assertThat(TestSubscribers.saved("u1").problems()).extracting(Violation::path).containsExactly("testSubscribers");
    }
}
