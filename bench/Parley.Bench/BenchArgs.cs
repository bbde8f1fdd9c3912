using System.Globalization;

namespace Parley.Bench;

/// <summary><c>--name value</c> pairs after the scenario name.</summary>
public sealed class BenchArgs
{
    public const string Usage = """
        parley-bench <chat|idle|data> --url http://localhost:5080 [options]   (all options: docs/performance.md)
          common:  --url URL  --email E --password P (an owner of the company to load; default the demo owner)
                   --server-pid PID (default: the local Parley.Server process, if any)  --json FILE
          chat:    --visitors 2000 --managers 20 --rate 2000 --duration 60 --warmup 10 --reply-every 10
                   --server-warmup 30 (s of unmeasured load first)  --find-max true --steps 250,500,1000
          idle:    --visitors 10000 --settle 10 --warmup-visitors 500
          data:    --database sqlite:PATH | postgres:CONNECTION  --conversations 1000000 --messages 10000000 --clients 600000
                   --managers 20 --days 365 --duration 5 --warmup 1 --manager-email manager@demo.local
                   --only tag,search (only the measures whose name contains one of the words)
        """;

    private readonly Dictionary<string, string> _values;

    private BenchArgs(Dictionary<string, string> values) => _values = values;

    public IReadOnlyDictionary<string, string> Values => _values;

    public static BenchArgs Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"Expected '--name value', got '{args[i]}'.{Environment.NewLine}{Usage}");
            values[args[i][2..]] = args[++i];
        }

        return new BenchArgs(values);
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public string Get(string name, string fallback) => Get(name) ?? fallback;

    public int Number(string name, int fallback) =>
        Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Fraction(string name, double fallback) =>
        Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public Uri Url => new(Get("url", "http://localhost:5080").TrimEnd('/') + "/");
}
