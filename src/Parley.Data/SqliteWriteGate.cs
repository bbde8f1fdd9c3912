using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Data;

/// <summary>
/// SQLite has one writer per database. Left to itself, every other writer waits in SQLite's busy handler, which sleeps
/// on a thread-pool thread and retries on a growing timer: under a burst of messages the server stalled with idle CPUs.
/// Writers of one database file instead queue here, asynchronously, in arrival order, and get the lock at once.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    public static SemaphoreSlim For(string? connectionString) => Gates.GetOrAdd(connectionString ?? "", _ => new SemaphoreSlim(1, 1));

    /// <summary>The writers' queue of the database's search index file (<see cref="Conversations.MessageSearchFile"/>), a file of its own.</summary>
    public static SemaphoreSlim ForSearch(string? connectionString) => For(Conversations.MessageSearchFile.Schema + ":" + connectionString);
}

/// <summary>An explicit transaction that holds the write gate until it is disposed.</summary>
internal sealed class GatedTransaction(IDbContextTransaction inner, SemaphoreSlim gate) : IDbContextTransaction, IInfrastructure<IDbContextTransaction>
{
    private int _released;

    public Guid TransactionId => inner.TransactionId;

    public IDbContextTransaction Instance => inner;

    public void Commit() => inner.Commit();

    public Task CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);

    public void Rollback() => inner.Rollback();

    public Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

    public void Dispose()
    {
        try
        {
            inner.Dispose();
        }
        finally
        {
            Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync();
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
    }
}
