using System.Collections.Concurrent;
using System.Threading.Channels;
using Parley.Server.Conversations;
using Parley.Server.Realtime;

namespace Parley.Server.Distribution;

/// <summary>
/// Runs <see cref="DistributionService.DrainAsync"/> for companies where someone may have become eligible or a chat arrived,
/// off the request and off the event bus. Requests for a company that is already waiting are merged, so a burst of
/// new chats becomes a few batched passes instead of one pass per chat.
/// </summary>
public sealed class DistributionWorker(IServiceScopeFactory scopes, ILogger<DistributionWorker> logger) : BackgroundService
{
    private readonly Channel<Guid> _requests = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, bool> _waiting = new();

    public void Request(Guid companyId)
    {
        if (_waiting.TryAdd(companyId, true)) _requests.Writer.TryWrite(companyId);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var companyId in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            // Cleared before the pass: a request that arrives during it queues one more pass, so nothing is missed.
            _waiting.TryRemove(companyId, out _);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DistributionService>().DrainAsync(companyId, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Distribution pass failed for company {CompanyId}", companyId);
            }
        }
    }
}

/// <summary>A New chat arrived, or a chat stopped counting against someone's limit: look for an assignment.</summary>
public sealed class DistributionTriggers(DistributionWorker worker) : IEventHandler
{
    public Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken)
    {
        if (e is ConversationChanged { Change: Changes.Created or Changes.Archived or Changes.Transferred or Changes.Reopened } c)
            worker.Request(c.CompanyId);
        return Task.CompletedTask;
    }
}
