package io.snapdelta.job;

import io.snapdelta.ingest.ChangeEventParser;
import io.snapdelta.ingest.InputFormat;
import java.io.Serializable;

/** Creates a parser per parse subtask (parsers are not thread-safe). Serializable: it ships with the job graph. */
@FunctionalInterface
public interface ParserFactory extends Serializable {
    ChangeEventParser create(InputFormat format);
}
