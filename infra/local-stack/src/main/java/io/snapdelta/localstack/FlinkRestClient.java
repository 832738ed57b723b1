package io.snapdelta.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls an operator makes against a Flink session cluster's REST API (the same endpoints the web UI
 * and {@code flink run} use): upload and run a jar, poll a job, list TaskManagers, take a savepoint,
 * stop with a savepoint, cancel. Plain {@link HttpClient} + Jackson, HTTP/1.1 (Flink's Netty endpoint
 * does not speak h2c), no {@code Expect: 100-continue}.
 */
public final class FlinkRestClient {
    private static final Logger LOG = LoggerFactory.getLogger(FlinkRestClient.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Job states after which a job never runs again. */
    public static final Set<String> TERMINAL_STATES = Set.of("FINISHED", "CANCELED", "FAILED");

    private final URI base;
    private final HttpClient http;

    public FlinkRestClient(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI base() {
        return base;
    }

    /** {@code POST /jars/upload} (multipart field {@code jarfile}); returns the jar id used by {@link #runJar}. */
    public String uploadJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("job jar " + jar.toAbsolutePath() + " does not exist");
        }
        String boundary = "snapdelta-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n";
        HttpRequest.BodyPublisher body;
        try {
            body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                    HttpRequest.BodyPublishers.ofFile(jar),
                    HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n", StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        long t0 = System.nanoTime();
        JsonNode reply = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body), "upload " + jar.getFileName());
        String filename = reply.path("filename").asText("");
        if (!"success".equals(reply.path("status").asText()) || filename.isEmpty()) {
            throw new IllegalStateException("jar upload of " + jar + " not accepted: " + reply);
        }
        String jarId = Path.of(filename).getFileName().toString();
        LOG.info("Uploaded {} ({} bytes) as {} in {} ms", jar.getFileName(), size(jar), jarId, millisSince(t0));
        return jarId;
    }

    /** {@code POST /jars/<jarId>/run}; returns the job id. */
    public String runJar(String jarId, JarRunRequest request) {
        ObjectNode body = JSON.createObjectNode();
        if (request.entryClass() != null) {
            body.put("entryClass", request.entryClass());
        }
        ArrayNode args = body.putArray("programArgsList");
        request.args().forEach(args::add);
        if (request.parallelism() > 0) {
            body.put("parallelism", request.parallelism());
        }
        if (request.savepointPath() != null) {
            body.put("savepointPath", request.savepointPath());
            body.put("allowNonRestoredState", request.allowNonRestoredState());
        }
        long t0 = System.nanoTime();
        JsonNode reply = send(jsonPost("/jars/" + jarId + "/run", body), "run " + jarId);
        String jobId = reply.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new IllegalStateException("run of " + jarId + " returned no job id: " + reply);
        }
        LOG.info("Submitted {} as job {} (parallelism {}{}) in {} ms", jarId, jobId, request.parallelism(),
                request.savepointPath() == null ? "" : ", from savepoint " + request.savepointPath(), millisSince(t0));
        return jobId;
    }

    /** {@code GET /jobs/<id>}: the job's details ({@code state}, {@code vertices[].status}, ...). */
    public JsonNode job(String jobId) {
        return get("/jobs/" + jobId);
    }

    /** The job's state: CREATED, RUNNING, RESTARTING, FAILING, CANCELED, FINISHED, FAILED, ... */
    public String jobState(String jobId) {
        return job(jobId).path("state").asText();
    }

    /** Waits until the job is RUNNING and every one of its tasks is RUNNING (sources are then reading). */
    public void awaitAllTasksRunning(String jobId, Duration timeout) {
        awaitJob(jobId, timeout, "all tasks RUNNING", j -> {
            if (!"RUNNING".equals(j.path("state").asText()) || j.path("vertices").isEmpty()) {
                return false;
            }
            for (JsonNode v : j.path("vertices")) {
                if (!"RUNNING".equals(v.path("status").asText())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Waits until the job reaches {@code state}; fails at once if it reaches another terminal state. */
    public void awaitJobState(String jobId, String state, Duration timeout) {
        awaitJob(jobId, timeout, "state " + state, j -> state.equals(j.path("state").asText()));
    }

    private void awaitJob(String jobId, Duration timeout, String what, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = job(jobId);
            if (condition.test(last)) {
                return;
            }
            String state = last.path("state").asText();
            if (TERMINAL_STATES.contains(state)) {
                throw new IllegalStateException("job " + jobId + " is " + state + " while waiting for " + what
                        + "; root exception: " + rootException(jobId));
            }
            pause();
        }
        throw new IllegalStateException("job " + jobId + " did not reach " + what + " within " + timeout
                + "; last details: " + (last == null ? "none" : last.path("state").asText() + " " + vertexStates(last)));
    }

    /** Number of completed checkpoints ({@code GET /jobs/<id>/checkpoints}, {@code counts.completed}). */
    public long completedCheckpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /**
     * The job's failure history ({@code GET /jobs/<id>/exceptions}, {@code exceptionHistory.entries}): one
     * entry per failure that caused a restart, newest first, each with {@code exceptionName},
     * {@code stacktrace}, {@code timestamp} and the task's location.
     */
    public List<JsonNode> exceptionHistory(String jobId) {
        List<JsonNode> out = new ArrayList<>();
        get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").forEach(out::add);
        return out;
    }

    private String rootException(String jobId) {
        try {
            List<JsonNode> history = exceptionHistory(jobId);
            return history.isEmpty() ? "none" : history.get(0).path("stacktrace").asText();
        } catch (RuntimeException e) {
            return "(unavailable: " + e.getMessage() + ")";
        }
    }

    /** {@code GET /taskmanagers}: every registered TaskManager ({@code id}, {@code slotsNumber}, {@code freeSlots}, ...). */
    public List<JsonNode> taskManagers() {
        List<JsonNode> out = new ArrayList<>();
        get("/taskmanagers").path("taskmanagers").forEach(out::add);
        return out;
    }

    /** {@code PATCH /jobs/<id>?mode=cancel}, then waits until the job is CANCELED. */
    public void cancel(String jobId, Duration timeout) {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).method("PATCH", HttpRequest.BodyPublishers.noBody()),
                "cancel " + jobId);
        awaitJobState(jobId, "CANCELED", timeout);
        LOG.info("Job {} canceled", jobId);
    }

    /**
     * {@code POST /jobs/<id>/savepoints} (the job keeps running, or is canceled once the savepoint is taken
     * when {@code cancelJob}); waits for the asynchronous operation and returns the savepoint's path.
     */
    public String triggerSavepoint(String jobId, String targetDirectory, boolean cancelJob, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("target-directory", targetDirectory);
        body.put("cancel-job", cancelJob);
        return awaitSavepoint(jobId, send(jsonPost("/jobs/" + jobId + "/savepoints", body), "savepoint " + jobId), timeout);
    }

    /**
     * {@code POST /jobs/<id>/stop}: stop-with-savepoint, the upgrade path (sources stop, the savepoint is taken,
     * and the sinks commit their transactions before the job ends as FINISHED); returns the savepoint's path.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", targetDirectory);
        body.put("drain", false);
        String path = awaitSavepoint(jobId, send(jsonPost("/jobs/" + jobId + "/stop", body), "stop " + jobId), timeout);
        awaitJob(jobId, timeout, "a terminal state after stop-with-savepoint", j -> TERMINAL_STATES.contains(j.path("state").asText()));
        return path;
    }

    private String awaitSavepoint(String jobId, JsonNode trigger, Duration timeout) {
        String requestId = trigger.path("request-id").asText("");
        if (requestId.isEmpty()) {
            throw new IllegalStateException("savepoint request for job " + jobId + " returned no request id: " + trigger);
        }
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + requestId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode op = status.path("operation");
                if (op.has("failure-cause")) {
                    throw new IllegalStateException("savepoint of job " + jobId + " failed: "
                            + op.path("failure-cause").path("stack-trace").asText(op.toString()));
                }
                String location = op.path("location").asText("");
                LOG.info("Savepoint of job {} at {} in {} ms", jobId, location, millisSince(t0));
                return location;
            }
            pause();
        }
        throw new IllegalStateException("savepoint " + requestId + " of job " + jobId + " not completed within " + timeout);
    }

    /** GET a path; the parsed JSON body. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), "GET " + path);
    }

    /** Polls {@code supplier} until {@code condition} holds (REST errors while polling count as "not yet"). */
    static <T> T poll(Supplier<T> supplier, Predicate<T> condition, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = supplier.get();
                if (condition.test(value)) {
                    return value;
                }
                lastError = null;
            } catch (PollAborted e) {
                throw e;
            } catch (RuntimeException e) {
                lastError = e;
            }
            pause();
        }
        IllegalStateException e = new IllegalStateException(failure.get() + " (waited " + timeout + ")");
        if (lastError != null) {
            e.addSuppressed(lastError);
        }
        throw e;
    }

    /** Thrown by a {@link #poll} supplier when waiting longer is pointless (e.g. the process it waits for died). */
    static final class PollAborted extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PollAborted(String message) {
            super(message);
        }
    }

    private HttpRequest.Builder jsonPost(String path, JsonNode body) {
        try {
            return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Flink REST " + what + " at " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during Flink REST " + what, e);
        }
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() / 100 != 2) {
            // Flink answers {"errors":[...]} with the server-side stack trace: keep it, it is the diagnosis.
            throw new IllegalStateException("Flink REST " + what + " returned HTTP " + response.statusCode() + ": " + text);
        }
        try {
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("Flink REST " + what + " returned non-JSON: " + text, e);
        }
    }

    private URI uri(String path) {
        return base.resolve(path);
    }

    private static String vertexStates(JsonNode job) {
        List<String> out = new ArrayList<>();
        job.path("vertices").forEach(v -> out.add(v.path("name").asText() + "=" + v.path("status").asText()));
        return out.toString();
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis()); // polling interval of a bounded wait, not a test sleep
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling Flink REST", e);
        }
    }
}
