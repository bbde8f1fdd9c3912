using System.Threading.Channels;

namespace Parley.Server.Realtime;

/// <summary>Something that happened in a company, after it was committed.</summary>
public abstract record ParleyEvent(Guid CompanyId);

/// <summary>
/// The one path from features to their side effects (team hub, channel delivery, later Redis between nodes).
/// Publishers never know who listens.
/// </summary>
public interface IEventBus
{
    void Publish(ParleyEvent e);
}

/// <summary>Reacts to events; every handler sees every event in publish order.</summary>
public interface IEventHandler
{
    Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken);
}

/// <summary>
/// In-process bus: publishing never blocks the request. Each handler reads its own queue, in publish order, so a slow
/// one (a database lookup per event) never delays another (the team hub's push).
/// </summary>
public sealed class InMemoryEventBus(IServiceProvider services, ILogger<InMemoryEventBus> logger) : BackgroundService, IEventBus
{
    private readonly Lazy<(IEventHandler Handler, Channel<ParleyEvent> Queue)[]> _handlers = new(() =>
        [.. services.GetServices<IEventHandler>().Select(h => (h, Channel.CreateUnbounded<ParleyEvent>(new UnboundedChannelOptions { SingleReader = true })))]);

    public void Publish(ParleyEvent e)
    {
        foreach (var (_, queue) in _handlers.Value) queue.Writer.TryWrite(e);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_handlers.Value.Select(h => Task.Run(() => ReadAsync(h.Handler, h.Queue.Reader, stoppingToken), stoppingToken)));

    private async Task ReadAsync(IEventHandler handler, ChannelReader<ParleyEvent> queue, CancellationToken stoppingToken)
    {
        await foreach (var e in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await handler.HandleAsync(e, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Event handler {Handler} failed on {Event}", handler.GetType().Name, e.GetType().Name);
            }
        }
    }
}
