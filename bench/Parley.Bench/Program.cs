using Parley.Bench;

// The benchmark talks to a running Parley exactly as its users do: visitors through /hubs/visitor, managers through
// /hubs/team and /api/v1. Usage and scenarios: docs/performance.md.
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(BenchArgs.Usage);
    return 2;
}

BenchArgs options;
try
{
    options = BenchArgs.Parse(args[1..]);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

IScenario? scenario = args[0] switch
{
    "chat" => new Parley.Bench.Chat.ChatScenario(),
    "idle" => new Parley.Bench.Idle.IdleScenario(),
    "data" => new Parley.Bench.Data.DataScenario(),
    _ => null,
};
if (scenario is null)
{
    Console.Error.WriteLine($"Unknown scenario '{args[0]}'.{Environment.NewLine}{BenchArgs.Usage}");
    return 2;
}

var report = new Report(args[0], options);
try
{
    await scenario.RunAsync(options, report, stop.Token);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    report.Error("fatal", e.ToString());
}

report.Print(Console.Out);
if (options.Get("json") is { } path) await report.WriteJsonAsync(path);
return report.ErrorCount == 0 ? 0 : 1;
