using System.Globalization;
using System.Text.Json;

namespace Parley.Bench;

/// <summary>What a run measured, as a table for people and JSON for tools; errors are counted by kind with a few samples.</summary>
public sealed class Report(string scenario, BenchArgs args)
{
    private readonly List<(string Name, Latency.Summary Summary)> _latencies = [];
    private readonly List<(string Name, double Value, string Unit)> _values = [];
    private readonly Dictionary<string, (int Count, List<string> Samples)> _errors = [];
    private readonly List<string> _notes = [];
    private readonly Lock _lock = new();

    public int ErrorCount
    {
        get
        {
            lock (_lock) return _errors.Values.Sum(e => e.Count);
        }
    }

    public void Latency(string name, Latency latency) => _latencies.Add((name, latency.Summarize()));

    public void Value(string name, double value, string unit) => _values.Add((name, value, unit));

    /// <summary>Something a reader needs to judge the numbers (e.g. the bench itself was CPU-bound); printed once.</summary>
    public void Note(string text)
    {
        lock (_lock)
        {
            if (!_notes.Contains(text)) _notes.Add(text);
        }
    }

    public void Error(string kind, string detail)
    {
        lock (_lock)
        {
            if (!_errors.TryGetValue(kind, out var entry)) entry = (0, []);
            if (entry.Samples.Count < 3) entry.Samples.Add(detail);
            _errors[kind] = (entry.Count + 1, entry.Samples);
        }
    }

    public void Print(TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine();
        o.WriteLine($"== {scenario} ({string.Join(" ", args.Values.Where(v => !v.Key.Contains("password", StringComparison.OrdinalIgnoreCase)).Select(v => $"--{v.Key} {v.Value}"))})");
        if (_latencies.Count > 0)
        {
            o.WriteLine($"{"measure",-40} {"count",9} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}");
            foreach (var (name, s) in _latencies)
                o.WriteLine(string.Format(c, "{0,-40} {1,9} {2,9:0.0} {3,9:0.0} {4,9:0.0} {5,9:0.0}", name, s.Count, s.P50, s.P95, s.P99, s.Max));
        }

        foreach (var (name, value, unit) in _values) o.WriteLine(string.Format(c, "{0,-40} {1,12:0.##} {2}", name, value, unit));
        lock (_lock)
        {
            foreach (var note in _notes) o.WriteLine($"note: {note}");
            o.WriteLine($"errors: {_errors.Values.Sum(e => e.Count)}");
            foreach (var (kind, (count, samples)) in _errors)
            {
                o.WriteLine($"  {kind}: {count}");
                foreach (var sample in samples) o.WriteLine($"    {sample.Split('\n')[0]}");
            }
        }
    }

    /// <summary>An empty measure has no percentiles: null in JSON (which has no NaN).</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    public async Task WriteJsonAsync(string path)
    {
        object json;
        lock (_lock)
        {
            json = new
            {
                scenario,
                at = DateTime.UtcNow,
                machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString() },
                options = args.Values.Where(v => !v.Key.Contains("password", StringComparison.OrdinalIgnoreCase)).ToDictionary(),
                latencies = _latencies.ToDictionary(l => l.Name, l => new { l.Summary.Count, p50 = Finite(l.Summary.P50), p95 = Finite(l.Summary.P95), p99 = Finite(l.Summary.P99), max = Finite(l.Summary.Max) }),
                values = _values.ToDictionary(v => v.Name, v => new { Value = Finite(v.Value), v.Unit }),
                notes = _notes.ToList(),
                errors = _errors.ToDictionary(e => e.Key, e => new { e.Value.Count, e.Value.Samples }),
            };
        }

        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(json, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    }
}
