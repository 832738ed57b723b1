import java.net.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.ToLongFunction;
import java.lang.management.*;
/**
 * One JVM of the parser A/B harness (see README.md). args: lines rounds deps variantDir... ; variantDir
 * "tree" = Jackson's tree model; "ro:DIR" = a read-only driver class compiled into $AB_DIR/drvr (optional).
 * Each variant gets its own class loader; rounds alternate the variants (order reversed every other
 * round); per variant: median CPU ns/event, allocated B/event and the median of the per-round paired
 * time ratios against the first variant. Randomised per JVM (against JIT/layout luck favouring one
 * side): class-loading order, warm-up rounds (3-10) and some heap junk.
 */
public class AB {
  static final String DIR = System.getProperty("ab.dir", "/tmp/parser-ab");
  static long sink;
  public static void main(String[] a) throws Exception {
    List<byte[]> lines = new ArrayList<>();
    for (String s : Files.readAllLines(Path.of(a[0]))) lines.add(s.getBytes("UTF-8"));
    int rounds = Integer.parseInt(a[1]);
    String[] deps = Files.readString(Path.of(a[2])).trim().split(":");
    int n = a.length - 3;
    Object[] drivers = new Object[n];
    boolean reverseLoad = (System.nanoTime() & 1) == 0; // class-loading (and so JIT) order: a coin flip per JVM
    for (int v0l = 0; v0l < n; v0l++) { int v = reverseLoad ? n - 1 - v0l : v0l;
      List<URL> urls = new ArrayList<>();
      boolean tree = a[3 + v].equals("tree");
      boolean ro = a[3 + v].startsWith("ro:");
      urls.add(Path.of(DIR, tree ? "tree" : ro ? "drvr" : "drv").toUri().toURL());
      if (!tree) urls.add(Path.of(ro ? a[3 + v].substring(3) : a[3 + v]).toUri().toURL());
      for (String d : deps) if (!d.isEmpty()) urls.add(Path.of(d).toUri().toURL());
      URLClassLoader cl = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
      drivers[v] = cl.loadClass(tree ? "TreeDriver" : ro ? "io.snapdelta.ingest.ReadOnlyDriver" : "Driver").getConstructor().newInstance();
    }
    com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    double[][] r = new double[n][rounds];
    long[] alloc = new long[n];
    java.util.Random rnd = new java.util.Random(System.nanoTime());
    int warm = 3 + rnd.nextInt(8);
    Object[] junk = new Object[1 + rnd.nextInt(5000)]; for (int i = 0; i < junk.length; i++) junk[i] = new byte[rnd.nextInt(200)];
    sink += junk.length;
    for (int round = -warm; round < rounds; round++) {
      for (int v0 = 0; v0 < n; v0++) {
        int v = (round & 1) == 0 ? v0 : n - 1 - v0;
        @SuppressWarnings("unchecked") ToLongFunction<List<byte[]>> d = (ToLongFunction<List<byte[]>>) drivers[v];
        long c0 = t.getCurrentThreadCpuTime(); long a0 = t.getCurrentThreadAllocatedBytes();
        sink += d.applyAsLong(lines);
        long c = t.getCurrentThreadCpuTime() - c0;
        alloc[v] = (t.getCurrentThreadAllocatedBytes() - a0) / lines.size();
        if (round >= 0) r[v][round] = c / (double) lines.size();
      }
    }
    for (int v = 0; v < n; v++) {
      double[] x = r[v].clone(); Arrays.sort(x);
      double[] ratio = new double[rounds]; for (int i = 0; i < rounds; i++) ratio[i] = r[v][i] / r[0][i]; Arrays.sort(ratio);
      System.out.printf("%-28s median %6.1f ns/ev  min %6.1f  B/ev %4d  time ratio vs first: median %.3f [q1 %.3f q3 %.3f]%n",
          a[3+v], x[rounds/2], x[0], alloc[v], ratio[rounds/2], ratio[rounds/4], ratio[3*rounds/4]);
    }
    System.out.println("sink " + (sink & 1));
  }
}
