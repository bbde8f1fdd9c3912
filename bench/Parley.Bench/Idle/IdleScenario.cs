namespace Parley.Bench.Idle;

public sealed class IdleScenario : IScenario
{
    public Task RunAsync(BenchArgs args, Report report, CancellationToken ct) =>
        throw new NotSupportedException("The idle scenario is being written.");
}
