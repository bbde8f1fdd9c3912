using Microsoft.Data.Sqlite;

namespace Parley.Server.Infrastructure;

/// <summary>
/// Housekeeping of the SQLite database file (checkpoints, search indexing) run at a fixed interval on a connection of
/// its own. A pass that fails is logged and the next tick tries again. The interval is wall-clock housekeeping, not
/// product time, so it does not follow an injected <see cref="TimeProvider"/>.
/// </summary>
public abstract class SqliteBackgroundPass(SqliteCheckpointer.Target target, ILogger logger, TimeSpan interval) : BackgroundService
{
    /// <summary>What the pass does, for the log.</summary>
    protected abstract string Name { get; }

    /// <summary>One pass on the service's own open connection.</summary>
    protected abstract Task RunAsync(SqliteConnection connection, string connectionString, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new SqliteConnection(target.ConnectionString);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(stoppingToken);
                    await RunAsync(connection, target.ConnectionString, stoppingToken);
                }
                catch (SqliteException ex)
                {
                    logger.LogWarning(ex, "SQLite {Pass} failed; the next pass tries again", Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
