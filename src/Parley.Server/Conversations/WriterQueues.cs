namespace Parley.Server.Conversations;

/// <summary>
/// Writers of the same conversation queue here, in this node, instead of racing. A conversation is written with an
/// optimistic version check; two writers that read the same version both do the work and one of them must redo it.
/// Under load that redo is what broke: a busy second made messages wait longer, more writers overlapped, more work was
/// redone, and manager replies failed after five attempts. Queued writers read what the one before them committed, so
/// they do the work once. The version check stays: it still guards writers in other nodes and the other path (a
/// client's message keys its queue by the client's address on the channel, a team action by the conversation).
/// </summary>
/// <remarks>
/// A fixed set of queues, chosen by hash: two unrelated keys that share a queue only wait for each other briefly.
/// Held across awaits on purpose, asynchronously; nothing else is awaited under it than the writer's own work.
/// </remarks>
public sealed class WriterQueues
{
    private const int Count = 1024;

    private readonly SemaphoreSlim[] _queues = [.. Enumerable.Range(0, Count).Select(_ => new SemaphoreSlim(1, 1))];

    public Task<Turn> EnterAsync(Guid conversationId, CancellationToken ct) => EnterAsync(conversationId.GetHashCode(), ct);

    public Task<Turn> EnterAsync(Guid channelId, string externalClientId, CancellationToken ct) =>
        EnterAsync(HashCode.Combine(channelId, string.GetHashCode(externalClientId, StringComparison.Ordinal)), ct);

    private async Task<Turn> EnterAsync(int hash, CancellationToken ct)
    {
        var queue = _queues[(uint)hash % Count];
        await queue.WaitAsync(ct);
        return new Turn(queue);
    }

    /// <summary>The writer's turn; disposing it lets the next writer in.</summary>
    public readonly struct Turn(SemaphoreSlim queue) : IDisposable
    {
        public void Dispose() => queue.Release();
    }
}
