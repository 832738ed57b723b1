import io.snapdelta.ingest.*;
import io.snapdelta.model.*;
import java.util.List;
public class Driver implements java.util.function.ToLongFunction<List<byte[]>> {
  final ChangeEventParser p = InputFormat.DEBEZIUM_JSON.newParser(ParserLimits.DEFAULTS);
  public long applyAsLong(List<byte[]> lines) {
    long s = 0;
    try {
      for (int i = 0; i < lines.size(); i++) { ChangeEvent e = p.parse(null, lines.get(i)); s += e.version().minor() + e.key().hashCode() + (e.after() == null ? 0 : e.after().size()); }
    } catch (ParseException e) { throw new RuntimeException(e); }
    return s;
  }
}
