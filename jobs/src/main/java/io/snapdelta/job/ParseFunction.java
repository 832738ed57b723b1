package io.snapdelta.job;

import io.snapdelta.ingest.DeadLetter;
import io.snapdelta.ingest.IngestCounts;
import io.snapdelta.ingest.InputFormat;
import io.snapdelta.ingest.RecordRouter;
import io.snapdelta.model.ChangeEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The parse operator of one input topic: a thin Flink wrapper around {@link RecordRouter}. Valid events go
 * to the main output, dead letters to {@link #DEAD_LETTERS}, tombstones are counted.
 *
 * <p>Its counts are operator state (one {in, valid, deadLetters, tombstones} entry per subtask, summed on
 * restore, redistributed on rescale), so the metrics and the job's accumulators stay exact across a
 * failover: records replayed after a restore are counted once, like everything else in an exactly-once job.
 */
public final class ParseFunction extends ProcessFunction<RawRecord, ChangeEvent> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

    private final String topic;
    private final InputFormat format;
    private final ParserFactory parsers;

    private transient ListState<long[]> countsState;
    private transient long[] restored;
    private transient RecordRouter router;
    private transient Routes routes;

    public ParseFunction(String topic, InputFormat format, ParserFactory parsers) {
        this.topic = topic;
        this.format = format;
        this.parsers = parsers;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        countsState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("ingest-counts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        restored = new long[4];
        for (long[] saved : countsState.get()) {
            for (int i = 0; i < restored.length; i++) {
                restored[i] += saved[i];
            }
        }
    }

    @Override
    public void open(OpenContext openContext) {
        router = new RecordRouter(topic, format, parsers.create(format));
        if (restored != null) {
            router.counts().add(restored);
        }
        routes = new Routes();
        IngestCounts c = router.counts();
        MetricGroup group = getRuntimeContext().getMetricGroup()
                .addGroup(IngestMetrics.GROUP).addGroup(IngestMetrics.SUBGROUP).addGroup("topic", topic);
        group.counter(IngestMetrics.EVENTS_IN, new LiveCounter(c::in));
        group.counter(IngestMetrics.EVENTS_VALID, new LiveCounter(c::valid));
        group.counter(IngestMetrics.DEAD_LETTERS, new LiveCounter(c::deadLetters));
        group.counter(IngestMetrics.TOMBSTONES, new LiveCounter(c::tombstones));
        var ctx = getRuntimeContext();
        ctx.addAccumulator(IngestMetrics.ACC_EVENTS_IN, new LiveCountAccumulator(c::in));
        ctx.addAccumulator(IngestMetrics.ACC_EVENTS_VALID, new LiveCountAccumulator(c::valid));
        ctx.addAccumulator(IngestMetrics.ACC_DEAD_LETTERS, new LiveCountAccumulator(c::deadLetters));
        ctx.addAccumulator(IngestMetrics.ACC_TOMBSTONES, new LiveCountAccumulator(c::tombstones));
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ChangeEvent> out) {
        routes.ctx = ctx;
        routes.out = out;
        router.route(record.partition, record.offset, record.key, record.value, routes);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        countsState.update(java.util.List.of(router.counts().toArray()));
    }

    /** Reused per record: forwards the router's decisions to the Flink outputs without allocating. */
    private static final class Routes implements RecordRouter.Routes {
        Context ctx;
        Collector<ChangeEvent> out;

        @Override
        public void valid(ChangeEvent event) {
            out.collect(event);
        }

        @Override
        public void deadLetter(DeadLetter deadLetter) {
            ctx.output(DEAD_LETTERS, DeadLetterRecord.of(deadLetter));
        }
    }

}
