-- wrk's done() hook: the exact latency percentiles (microseconds) and the counters, one "key value" a line, which
-- bench/web/run.py reads (wrk --latency prints 50/75/90/99 only).
done = function(summary, latency, requests)
  for _, p in ipairs({50, 75, 90, 95, 99}) do
    io.write(string.format("BENCH p%d %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("BENCH mean %f\n", latency.mean))
  io.write(string.format("BENCH max %d\n", latency.max))
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH bytes %d\n", summary.bytes))
  io.write(string.format("BENCH err_connect %d\n", summary.errors.connect))
  io.write(string.format("BENCH err_read %d\n", summary.errors.read))
  io.write(string.format("BENCH err_write %d\n", summary.errors.write))
  io.write(string.format("BENCH err_status %d\n", summary.errors.status))
  io.write(string.format("BENCH err_timeout %d\n", summary.errors.timeout))
end
