package com.subsets.sync.provisioner.erasure;

import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ErasureSetting;

/**
 * Where an erasure stands at one destination, from a dispatcher's answer to its erase row (the subscriber-deliveries
 * trail, a row with an erasureId). Pure: the trail consumer turns each such row into one of these, and the store keeps
 * it unless the destination's row already went further ({@code erasure_status_rank}).
 *
 * <ul>
 *   <li>ACCEPTED, reason {@code cleared} or {@code deleted}: that status;</li>
 *   <li>SKIPPED, reason {@code no_identifier}: no_identifier (the identity lacks the one the destination uses);
 *   any other reason ({@code not_found}): not_found, nothing there;</li>
 *   <li>DEAD_LETTERED: failed, with the dispatcher's reason and the vendor's words;</li>
 *   <li>at Iterable in mode {@code forget}, a clear that left nothing of Subsets there (cleared, not_found) is queued
 *   for Iterable's forget: forget_queued with the identifier the project identifies users by (none: no_identifier).</li>
 * </ul>
 *
 * @param forgetIdentifier what {@code POST /api/users/forget} is called with (forget_queued only), else null
 */
public record ErasureStatus(String status, String reason, String detail, String forgetIdentifier) {

    public static final String PENDING = "pending";
    public static final String CLEARED = "cleared";
    public static final String DELETED = "deleted";
    public static final String NOT_FOUND = "not_found";
    public static final String NO_IDENTIFIER = "no_identifier";
    public static final String FAILED = "failed";
    public static final String FORGET_QUEUED = "forget_queued";
    public static final String FORGOTTEN = "forgotten";
    /** The contract's eventId, which an erasure's id is: 1 to 128 of A-Z a-z 0-9 . _ : - (bounded wherever it is read). */
    public static final java.util.regex.Pattern ERASURE_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** What stands for an erased identifier in a vendor's words. */
    public static final String ERASED = "[erased]";

    /**
     * @param mode the destination's erasure mode (clear, forget)
     * @param iterableIdentifier how the Iterable project identifies users ({@code userId}, {@code email}); unused elsewhere
     */
    public static ErasureStatus of(SubscriberDeliveries.Row row, DestinationKind kind, String mode, String iterableIdentifier) {
        ErasureStatus answered = switch (row.outcome()) {
            case ACCEPTED -> new ErasureStatus(DELETED.equals(row.reason()) ? DELETED : CLEARED, null, null, null);
            case SKIPPED -> new ErasureStatus(NO_IDENTIFIER.equals(row.reason()) ? NO_IDENTIFIER : NOT_FOUND, row.reason(),
                    scrub(row.detail(), row.subscriber().userId(), row.subscriber().email()), null);
            case DEAD_LETTERED -> new ErasureStatus(FAILED, row.reason(),
                    scrub(row.detail(), row.subscriber().userId(), row.subscriber().email()), null);
        };
        boolean forgets = kind == DestinationKind.ITERABLE && ErasureSetting.FORGET.equals(mode)
                && (answered.status.equals(CLEARED) || answered.status.equals(NOT_FOUND));
        if (!forgets) {
            return answered;
        }
        Subscriber who = row.subscriber();
        String identifier = "email".equals(iterableIdentifier) ? who.email() : who.userId();
        if (identifier == null) {
            return new ErasureStatus(NO_IDENTIFIER, "no_identifier", "the Iterable project identifies users by "
                    + ("email".equals(iterableIdentifier) ? "email" : "userId") + "; the erasure names none to forget", null);
        }
        return new ErasureStatus(FORGET_QUEUED, null, null, identifier);
    }

    /** Whether {@code id} can be an erasure's id (the contract's eventId rule). */
    public static boolean isErasureId(String id) {
        return id != null && ERASURE_ID.matcher(id).matches();
    }

    /**
     * A vendor's words without the erased subscriber's identifiers (each replaced by {@value #ERASED}): the status row
     * outlives the erasure, and must not keep what it erased. Null for no words.
     */
    public static String scrub(String words, String... identifiers) {
        if (words == null || words.isEmpty()) {
            return null;
        }
        String scrubbed = words;
        // The longest first: a userId may be part of the e-mail address.
        for (String identifier : java.util.Arrays.stream(identifiers).filter(i -> i != null && !i.isEmpty())
                .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
            scrubbed = scrubbed.replace(identifier, ERASED);
        }
        return scrubbed;
    }
}
