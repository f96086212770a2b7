package com.subsets.sync.provisioner.deliveries;

import com.subsets.sync.model.EventValidator;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.model.Violation;
import java.util.List;

/**
 * Which subscriber a support request names: {@code id} is a userId unless {@code by} is {@code email}. Held to the
 * event contract's rules for identifiers (a userId of at most 256 characters of text, an address of at most 254), so
 * nothing unbounded reaches the database.
 *
 * @param stateKey the state-topic key the id names ({@link SubscriberKey#ofUserId} or {@link SubscriberKey#ofEmail})
 * @param email the e-mail asked for, or null when asked by userId
 */
public record SubscriberQuery(String tenantId, String id, String by, String stateKey, String email) {

    public static final String BY_USER_ID = "userId";
    public static final String BY_EMAIL = "email";

    /** Thrown with what is wrong; the API answers 400. */
    public static final class Invalid extends IllegalArgumentException {
        private final String code;
        private final transient List<Violation> violations;

        Invalid(String code, String message, List<Violation> violations) {
            super(message);
            this.code = code;
            this.violations = violations;
        }

        public String code() {
            return code;
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    /** @param by {@code userId} (also when null) or {@code email} */
    public static SubscriberQuery parse(String tenantId, String id, String by) {
        String mode = by == null ? BY_USER_ID : by;
        if (!BY_USER_ID.equals(mode) && !BY_EMAIL.equals(mode)) {
            throw new Invalid("invalid_by", "by must be userId (the default) or email",
                    List.of(new Violation("by", "must be userId or email")));
        }
        boolean byEmail = BY_EMAIL.equals(mode);
        List<Violation> problems = EventValidator.subscriberProblems("", byEmail ? null : id, byEmail ? id : null);
        if (!problems.isEmpty()) {
            throw new Invalid("invalid_subscriber", byEmail ? "the subscriber must be an e-mail address of at most 254 characters"
                    : "the subscriber must be a userId: text without control characters, at most 256 characters "
                    + "(add ?by=email for an e-mail)", problems.stream().map(v -> new Violation("subscriber", v.message())).toList());
        }
        String stateKey = byEmail ? SubscriberKey.ofEmail(tenantId, id).encode() : SubscriberKey.ofUserId(tenantId, id).encode();
        return new SubscriberQuery(tenantId, id, mode, stateKey, byEmail ? id : null);
    }
}
