package com.subsets.sync.simulator.blueconic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * A BlueConic tenant's segments, as {@code GET /segments} and {@code GET /segments/{segment}/profiles} serve them:
 * definitions (id, name, tags) and members (settable in tests). Members are paged in profile-id order with an
 * opaque cursor naming the last profile served, so a page never repeats or skips a member that stays while
 * others come and go. A segment read can be made to fail at a given page (a fault a test sets).
 */
public final class BlueConicSegments {

    private record Segment(String id, String name, List<String> tags, NavigableSet<String> members) {
    }

    private final Map<String, Segment> segments = new LinkedHashMap<>();
    private int failAtPage = -1;
    private int failStatus;
    private int pagesUntilFault;
    private final Map<String, Integer> hiddenFromListings = new java.util.HashMap<>();

    /** Defines (or renames) a segment; its members stay. */
    public synchronized BlueConicSegments define(String id, String name, String... tags) {
        Segment old = segments.get(id);
        segments.put(id, new Segment(id, name, List.of(tags), old == null ? new TreeSet<>() : old.members()));
        return this;
    }

    public synchronized BlueConicSegments remove(String id) {
        segments.remove(id);
        return this;
    }

    /** The segment's members from now on: these profile ids. */
    public synchronized BlueConicSegments members(String id, Collection<String> profileIds) {
        Segment segment = segments.get(id);
        segment.members().clear();
        segment.members().addAll(profileIds);
        return this;
    }

    /** From the next segment read on, its {@code page}-th page (1 = the first) answers {@code status}, once. */
    public synchronized BlueConicSegments failPage(int page, int status) {
        failAtPage = page;
        failStatus = status;
        pagesUntilFault = page;
        return this;
    }

    /**
     * The next {@code listings} listings ({@code GET /segments}, every page of one) leave the segment out although it
     * exists: what a segment deleted or moved between two {@code startIndex} pages looks like to the reader of the list.
     */
    public synchronized BlueConicSegments hideFromListings(String id, int listings) {
        hiddenFromListings.put(id, listings);
        return this;
    }

    synchronized JsonObject list(String filterTag, int startIndex, int count) {
        List<Segment> matching = segments.values().stream()
                .filter(s -> filterTag == null || s.tags().contains(filterTag))
                .filter(s -> hiddenFromListings.getOrDefault(s.id(), 0) <= 0).toList();
        if (startIndex + count >= matching.size()) {
            // The last page of a listing: one listing less for each hidden segment.
            hiddenFromListings.replaceAll((id, left) -> left - 1);
            hiddenFromListings.values().removeIf(left -> left <= 0);
        }
        JsonArray page = new JsonArray();
        matching.stream().skip(startIndex).limit(count).forEach(s -> page.add(new JsonObject().put("id", s.id())
                .put("name", s.name()).put("description", "").put("tags", new JsonArray(s.tags()))
                .put("profileCount", s.members().size()).put("inverseOf", "").put("inversedBy", "")));
        return new JsonObject().put("itemsPerPage", count).put("segments", page).put("startIndex", startIndex)
                .put("totalPages", count == 0 ? 0 : (matching.size() + count - 1) / count).put("totalResults", matching.size());
    }

    /** The status a fault makes this page answer, or 0. The first page (no cursor) starts counting. */
    synchronized int pageFault(boolean firstPage) {
        if (failAtPage < 0) {
            return 0;
        }
        if (firstPage) {
            pagesUntilFault = failAtPage;
        }
        if (--pagesUntilFault == 0) {
            failAtPage = -1;
            return failStatus;
        }
        return 0;
    }

    synchronized boolean exists(String id) {
        return segments.containsKey(id);
    }

    /** Up to {@code count} members after the cursor's, and the cursor of the next page (null on the last). */
    synchronized Page page(String id, String cursor, int count) {
        Segment segment = segments.get(id);
        NavigableSet<String> rest = cursor == null || cursor.equals("*") ? segment.members()
                : segment.members().tailSet(decode(cursor), false);
        // Never rest.size(): a tail set of a TreeSet counts by walking every member after the cursor, which made a read of
        // 5,000,000 members, 1,000 a page, walk 12.5 billion of them (bench/segments.sh).
        List<String> members = new ArrayList<>(Math.min(count, 1_000));
        for (String member : rest) {
            if (members.size() == count) {
                break;
            }
            members.add(member);
        }
        boolean more = !members.isEmpty() && segment.members().higher(members.get(members.size() - 1)) != null;
        return new Page(members, more ? encode(members.get(members.size() - 1)) : null, segment.members().size());
    }

    record Page(List<String> profileIds, String nextCursor, int total) {
    }

    private static String encode(String profileId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(profileId.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BlueConicSimulator.Rejection(400, "invalid cursor: " + cursor, "cursor");
        }
    }
}
