import com.fasterxml.jackson.databind.*;
import com.fasterxml.jackson.databind.node.*;
import java.util.*;
public class TreeDriver implements java.util.function.ToLongFunction<List<byte[]>> {
  final ObjectMapper mapper = new ObjectMapper();
  public long applyAsLong(List<byte[]> lines) {
    long s = 0;
    try {
      for (byte[] line : lines) {
        JsonNode root = mapper.readTree(line);
        JsonNode value = root.get("value");
        s += columns(root.get("key"));
        s += value.get("op").asText().charAt(0);
        JsonNode source = value.get("source");
        s += source.get("table").asText().length() + source.get("schema").asText().length();
        s += source.get("sequence").asText().length() + source.get("lsn").asLong() + source.get("ts_us").asLong();
        s += columns(value.get("before")) + columns(value.get("after"));
      }
    } catch (java.io.IOException e) { throw new RuntimeException(e); }
    return s;
  }
  static long columns(JsonNode row) {
    if (row == null || row.isNull()) return 0;
    long s = 0;
    Iterator<Map.Entry<String, JsonNode>> it = ((ObjectNode) row).fields();
    while (it.hasNext()) s += value(it.next().getValue());
    return s;
  }
  static long value(JsonNode v) {
    if (v.isIntegralNumber()) return v.longValue();
    if (v.isTextual()) return v.textValue().length();
    if (v.isObject() || v.isArray()) return columns(v);
    return v.isNull() ? 0 : (long) v.asDouble();
  }
}
