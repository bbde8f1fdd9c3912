using System.Diagnostics;

namespace Parley.Bench;

/// <summary>Durations in milliseconds, recorded from many threads; percentiles by nearest rank.</summary>
public sealed class Latency
{
    private readonly List<double> _values = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock) return _values.Count;
        }
    }

    public void Add(double milliseconds)
    {
        lock (_lock) _values.Add(milliseconds);
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds);

    public Summary Summarize()
    {
        double[] sorted;
        lock (_lock) sorted = [.. _values];
        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Summary(sorted.Length, At(0.50), At(0.95), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    public sealed record Summary(int Count, double P50, double P95, double P99, double Max);
}
