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
}
