namespace Parley.Bench.Chat;

public sealed class ChatScenario : IScenario
{
    public Task RunAsync(BenchArgs args, Report report, CancellationToken ct) =>
        throw new NotSupportedException("The chat scenario is being written.");
}
