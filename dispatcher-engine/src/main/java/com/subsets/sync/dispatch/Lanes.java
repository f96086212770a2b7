package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Assignments;
import com.subsets.sync.dispatch.core.BatchLimits;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lanes (one per tenant destination) and the vendor budgets they spend, kept as many as the directory's
 * destinations: a tenant whose settings changed gets them (and its budget) for the rows it has buffered; a tenant
 * no longer registered has its rows skipped and, once nothing of it is out, its lane goes, and with the last lane
 * of a budget the budget and its gauge. It also keeps each lane's gate memory where it belongs ({@link #followGates}).
 */
final class Lanes<C> {

    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);

    private final BatchLimits limits;
    private final DestinationAdapter<C> adapter;
    private final DestinationDirectory<C> directory;
    private final DispatcherMetrics metrics;
    /** Where an earlier owner left a tenant's lane parked, if it did. */
    private final Function<String, Optional<DeliveryControl.Parking>> earlierParking;
    private final Map<String, Lane<C>> byTenant = new LinkedHashMap<>();
    private final Map<String, Budget<C>> budgets = new LinkedHashMap<>();
    /**
     * The budgets the send loop pumps every tick: those with rows, requests out or an outage. A quiet budget leaves it
     * and comes back with its next row, so a thousand quiet tenants cost the tick nothing (and, none active, the tick
     * slows down: {@link PumpClock}); a sweep every {@link #SWEEP_MILLIS} looks at all of them, so a way in that forgot to
     * wake one costs a second, not a stall.
     */
    private final Set<Budget<C>> active = new LinkedHashSet<>();
    static final long SWEEP_MILLIS = 1_000;
    /** Told when a budget becomes active: the pump clock leaves its idle pace. */
    private Runnable onActive = () -> { };
    private int rememberedSends;
    /** Erase rows the gates remember, as last counted on the event loop (the metrics scrape reads it). */
    private volatile long rememberedErasures;
    /** Parked lanes as last counted on the event loop: the metrics scrape reads it from another thread. */
    private volatile long parkedLanes;

    Lanes(BatchLimits limits, DestinationAdapter<C> adapter, DestinationDirectory<C> directory, DispatcherMetrics metrics,
          Function<String, Optional<DeliveryControl.Parking>> earlierParking) {
        this.limits = limits;
        this.earlierParking = earlierParking;
        this.adapter = adapter;
        this.directory = directory;
        this.metrics = metrics;
    }

    Lane<C> get(String tenantId) {
        return byTenant.get(tenantId);
    }

    Collection<Lane<C>> all() {
        return byTenant.values();
    }

    Collection<Budget<C>> budgets() {
        return budgets.values();
    }

    /** The budgets to pump this tick: the active ones, or every one on a sweep. */
    List<Budget<C>> toPump(boolean sweep) {
        return List.copyOf(sweep ? budgets.values() : active);
    }

    /** Whether any budget has work: the pump clock keeps its busy pace while one has. */
    boolean anyActive() {
        return !active.isEmpty();
    }

    void onActive(Runnable listener) {
        this.onActive = listener;
    }

    /** The lane got rows (or a probe row): its budget is pumped from the next tick on. */
    void wake(Lane<C> lane) {
        if (lane.budget != null) {
            activate(lane.budget);
        }
    }

    /** After a pump: a budget that nothing but a new row can give work to leaves the active ones; any other stays. */
    void settle(Budget<C> budget) {
        if (budget.quiet()) {
            active.remove(budget);
        } else if (budgets.get(budget.id) == budget) {
            activate(budget);
        }
    }

    private void activate(Budget<C> budget) {
        if (active.add(budget)) {
            onActive.run();
        }
    }

    /**
     * The tenant's lane, with the tenant's current settings, on the budget those settings name: a tenant
     * whose destination moved to another project or instance moves to that budget, and a batch it had
     * prepared on the old one goes back to its buffer, to be built again with the new settings. A new lane
     * starts parked when an earlier owner parked it.
     */
    Lane<C> laneOf(String tenantId, LaneConfig<C> laneConfig) {
        Lane<C> lane = byTenant.get(tenantId);
        if (lane == null) {
            lane = new Lane<>(tenantId, laneConfig, limits);
            byTenant.put(tenantId, lane);
            budgetOf(laneConfig).add(lane);
            Lane<C> created = lane;
            // Parked by an earlier owner: it stays parked until a probe is answered.
            earlierParking.apply(tenantId).ifPresent(p -> {
                created.parked = p;
                created.parkReported = true;
                created.partition = p.partition();
            });
        } else if (!lane.budget.id.equals(laneConfig.budgetId())) {
            Budget<C> old = lane.budget;
            if (old.next != null && old.next.lane() == lane) {
                lane.buffer.requeue(old.next.rows(), System.currentTimeMillis());
                old.next = null;
            }
            old.remove(lane);
            budgetOf(laneConfig).add(lane);
            wake(lane);
        }
        lane.config = laneConfig;
        return lane;
    }

    private Budget<C> budgetOf(LaneConfig<C> laneConfig) {
        return budgets.computeIfAbsent(laneConfig.budgetId(), id -> {
            Budget<C> budget = new Budget<>(laneConfig, System.currentTimeMillis());
            metrics.budgetRate(id, () -> budget.limiter.currentRate(System.currentTimeMillis()));
            return budget;
        });
    }

    /** Every row of the lane not out now (its buffer, its split halves, a batch prepared for its turn), released. */
    List<SubscriberUpdate> takeUnsent(Lane<C> lane) {
        List<SubscriberUpdate> unsent = new ArrayList<>(lane.buffer.drainAll());
        unsent.addAll(lane.dropChunks());
        Budget<C> budget = lane.budget;
        if (budget.next != null && budget.next.lane() == lane) {
            lane.buffer.completed(budget.next.rows());
            unsent.addAll(budget.next.rows());
            budget.next = null;
        }
        return unsent;
    }

    /**
     * Follows the directory: changed settings reach their lane; an unregistered tenant's rows are handed to
     * {@code skipped} and its lane removed once idle; a budget without lanes goes.
     */
    void followDirectory(Consumer<SubscriberUpdate> skipped) {
        for (var it = byTenant.values().iterator(); it.hasNext(); ) {
            Lane<C> lane = it.next();
            Optional<LaneConfig<C>> current = directory.lookup(lane.id);
            if (current.isPresent()) {
                if (!current.get().equals(lane.config)) {
                    LaneConfig<C> old = lane.config;
                    laneOf(lane.id, current.get());
                    adapter.forget(old.destination());
                }
                continue;
            }
            if (directory.registered(lane.id)) {
                continue;
            }
            takeUnsent(lane).forEach(skipped);
            if (lane.buffer.idle()) {
                it.remove();
                lane.budget.remove(lane);
                adapter.forget(lane.config.destination());
                LOG.info("lane {} removed: its destination is no longer registered", lane.id);
            }
        }
        budgets.values().removeIf(budget -> {
            boolean unused = budget.lanes().isEmpty() && budget.idle();
            if (unused) {
                metrics.removeBudgetRate(budget.id);
                active.remove(budget);
            }
            return unused;
        });
    }

    /**
     * Which lanes' gates remember what they send: those with a resync running beside the live path, the only case
     * where one path may send an older version than the other sent (each reads the partition in order). Each
     * forgets the versions below the lowest one either path may still send: the live path's ({@code liveFloor} of
     * the lane's partition), the resyncs' positions ({@code resyncFloors}, by tenant).
     */
    void followGates(Map<String, Long> resyncFloors, IntToLongFunction liveFloor) {
        int remembered = 0;
        long erasures = 0;
        long parked = 0;
        for (Lane<C> lane : byTenant.values()) {
            parked += lane.parked != null ? 1 : 0;
            Long resyncFloor = resyncFloors.get(lane.id);
            lane.buffer.rememberSends(resyncFloor != null);
            if (resyncFloor != null && lane.partition >= 0) {
                lane.buffer.forgetSentBelow(Math.min(resyncFloor, liveFloor.applyAsLong(lane.partition)));
            }
            remembered += lane.buffer.rememberedSends();
            erasures += lane.buffer.rememberedErasures();
        }
        rememberedSends = remembered;
        rememberedErasures = erasures;
        parkedLanes = parked;
    }

    /** Erase rows the gates remember, as counted at the last {@link #followGates} (each second). */
    long rememberedErasures() {
        return rememberedErasures;
    }

    /** Subscribers the gates remember, as last counted: one of the engine's memory bounds. */
    int rememberedSends() {
        return rememberedSends;
    }

    /** The partitions were revoked: their rows are dropped wherever they wait (the new owner delivers them). */
    void forgetPartitions(Set<Integer> revoked, Assignments assignments) {
        byTenant.values().forEach(lane -> {
            lane.heldParked.removeIf(source -> revoked.contains(source.partition()));
            lane.buffer.forgetPartitions(revoked);
            lane.dropStaleChunks(assignments);
        });
        budgets.values().forEach(budget -> {
            if (budget.next != null && !budget.next.rows().stream().allMatch(assignments::isCurrent)) {
                budget.next.lane().buffer.completed(budget.next.rows());
                budget.next = null;
            }
        });
    }

    /**
     * Parked lanes as counted at the last {@link #followGates} (every second): iterating the lanes from the scrape's
     * thread while the event loop changes them threw (ConcurrentModificationException, bench/scale.sh).
     */
    long parkedCount() {
        return parkedLanes;
    }

    /** Nothing buffered, waiting or out. */
    boolean idle() {
        return budgets.values().stream().allMatch(Budget::idle) && byTenant.values().stream().allMatch(Lane::idle);
    }
}
