package com.subsets.sync.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DecodeResult;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.MalformedJsonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a request body (one event object, or an array of them) into validated events, all or
 * nothing: if any event is invalid the whole request is refused with every problem, by index and path.
 */
final class EventBatchParser {

    private final EventCodec codec = new EventCodec();
    private final int maxEvents;

    EventBatchParser(int maxEvents) {
        this.maxEvents = maxEvents;
    }

    List<AssignmentEvent> parse(byte[] body) {
        Optional<List<AssignmentEvent>> valid = codec.decodeAllIfValid(body, maxEvents);
        if (valid.isPresent()) {
            return valid.get();
        }
        // Something is wrong: the tree says what, for every event at once.
        JsonNode root;
        try {
            root = codec.readTree(body);
        } catch (MalformedJsonException e) {
            throw new IngestException(ErrorCode.MALFORMED_JSON, e.getMessage());
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        if (items.isEmpty()) {
            throw new IngestException(ErrorCode.EMPTY_BATCH, "the array holds no events; send 1 to " + maxEvents);
        }
        if (items.size() > maxEvents) {
            throw new IngestException(ErrorCode.TOO_MANY_EVENTS, "a request carries at most " + maxEvents
                    + " events, this one has " + items.size() + "; split it", List.of(), items.size());
        }
        return validateAll(items);
    }

    private List<AssignmentEvent> validateAll(List<JsonNode> items) {
        List<AssignmentEvent> events = new ArrayList<>(items.size());
        List<IngestException.IndexedViolation> problems = new ArrayList<>();
        int invalidEvents = 0;
        for (int i = 0; i < items.size(); i++) {
            DecodeResult result = codec.validate(items.get(i));
            if (result.isValid()) {
                events.add(result.event());
            } else {
                invalidEvents++;
                int index = i;
                result.violations().forEach(v -> problems.add(new IngestException.IndexedViolation(index, v)));
            }
        }
        if (!problems.isEmpty()) {
            throw new IngestException(ErrorCode.INVALID_EVENTS, invalidEvents + " of " + items.size()
                    + " events break the contract; nothing was published", problems, items.size());
        }
        return events;
    }
}
