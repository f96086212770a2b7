package com.subsets.sync.state.stream;

import com.subsets.sync.state.core.Link;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A {@link Link} in the links store: {@code other␟epochSecond␟nano␟offset} in UTF-8 (no identifier holds U+001F).
 * Only this service reads it, from its own store and changelog.
 */
final class LinkCodec {

    private static final char SEPARATOR = '\u001F';

    private LinkCodec() {
    }

    static byte[] encode(Link link) {
        return (link.other() + SEPARATOR + link.occurredAt().getEpochSecond() + SEPARATOR + link.occurredAt().getNano()
                + SEPARATOR + link.offset()).getBytes(StandardCharsets.UTF_8);
    }

    static Link decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int offsetAt = text.lastIndexOf(SEPARATOR);
        int nanoAt = text.lastIndexOf(SEPARATOR, offsetAt - 1);
        int secondAt = text.lastIndexOf(SEPARATOR, nanoAt - 1);
        if (secondAt <= 0) {
            throw new IllegalArgumentException("not a link: " + text);
        }
        return new Link(text.substring(0, secondAt), Instant.ofEpochSecond(Long.parseLong(text.substring(secondAt + 1, nanoAt)),
                Long.parseLong(text.substring(nanoAt + 1, offsetAt))), Long.parseLong(text.substring(offsetAt + 1)));
    }
}
