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
/// In-process bus: publishing never blocks the request; one background reader hands events to the handlers in order.
/// </summary>
public sealed class InMemoryEventBus(IServiceProvider services, ILogger<InMemoryEventBus> logger) : BackgroundService, IEventBus
{
    private readonly Channel<ParleyEvent> _queue = Channel.CreateUnbounded<ParleyEvent>(new UnboundedChannelOptions { SingleReader = true });

    public void Publish(ParleyEvent e) => _queue.Writer.TryWrite(e);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var handlers = services.GetServices<IEventHandler>().ToArray();
        await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            foreach (var handler in handlers)
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
}
