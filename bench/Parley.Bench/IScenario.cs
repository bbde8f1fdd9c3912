namespace Parley.Bench;

/// <summary>One way of loading the server. It records measures and errors in the report; the exit code follows the errors.</summary>
public interface IScenario
{
    Task RunAsync(BenchArgs args, Report report, CancellationToken ct);
}
