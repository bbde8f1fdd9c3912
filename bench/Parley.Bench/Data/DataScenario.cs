namespace Parley.Bench.Data;

public sealed class DataScenario : IScenario
{
    public Task RunAsync(BenchArgs args, Report report, CancellationToken ct) =>
        throw new NotSupportedException("The data scenario is being written.");
}
