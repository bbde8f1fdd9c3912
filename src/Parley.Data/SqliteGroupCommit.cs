using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Parley.Data;

/// <summary>
/// Group commit for SQLite: the saves that queue for the write lock at the same moment are written in one transaction.
/// SQLite has one writer, and each transaction pays its own BEGIN, its own append of every page it changed to the
/// write-ahead log (the last page of Messages and of each index is the same page for every new message) and its own
/// turn of the write lock. The first save to arrive leads: it takes the lock, opens one connection, and runs its own
/// save and those of every save that queued meanwhile, each context borrowing that connection and transaction for its
/// <c>SaveChanges</c>, then commits once and wakes the others. Whoever queued during that batch leads the next one.
/// </summary>
/// <remarks>
/// Each save in a batch of several runs inside a savepoint (EF Core's own, for a save in an outside transaction): a
/// save that fails — a unique index, a stale version — is rolled back alone and its caller gets the exception, as it
/// would have on its own. Changes are accepted only after the commit, so a failed commit leaves every context as it was
/// before its save. Nobody's save returns before the commit that holds it: a message is still committed before it is
/// acknowledged.
/// </remarks>
public sealed class SqliteGroupCommit
{
    private const int MaxBatch = 64;

    private static readonly ConcurrentDictionary<string, SqliteGroupCommit> Instances = new(StringComparer.Ordinal);

    /// <summary>What every new native connection needs before use (pragmas, functions); set by the host.</summary>
    public static Action<DbConnection>? PrepareConnection { get; set; }

    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate;
    private readonly Lock _lock = new();
    private readonly List<Save> _pending = [];
    private bool _leading;

    private SqliteGroupCommit(string connectionString)
    {
        _connectionString = connectionString;
        _gate = SqliteWriteGate.For(connectionString);
    }

    public static SqliteGroupCommit For(string connectionString) => Instances.GetOrAdd(connectionString, cs => new SqliteGroupCommit(cs));

    /// <summary>Saves queued for the next batch.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock) return _pending.Count;
        }
    }

    /// <summary>How many batches and saves were committed here (for tests and diagnostics).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Saves => Interlocked.Read(ref _saves);

    private long _batches;
    private long _saves;

    internal async Task<int> SaveAsync(SqliteParleyDbContext db, bool acceptAllChangesOnSuccess, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var save = new Save(db, acceptAllChangesOnSuccess);
        bool lead;
        lock (_lock)
        {
            _pending.Add(save);
            lead = !_leading;
            _leading = true;
        }

        // A follower waits until a leader has written it, or hands it the lead.
        if (!lead && !await save.Turn.Task) return save.Result();

        // The batch is taken once the lock is ours: whatever queued while it was busy (another batch, a checkpoint,
        // the search indexer) goes into this one.
        Exception? failure = null;
        List<Save> batch = [];
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            lock (_lock)
            {
                var count = Math.Min(_pending.Count, MaxBatch);
                batch = _pending.GetRange(0, count);
                _pending.RemoveRange(0, count);
            }

            await WriteAsync(batch);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            _gate.Release();
        }

        Save? next = null;
        lock (_lock)
        {
            if (_pending.Count > 0) next = _pending[0];
            else _leading = false;
        }

        foreach (var other in batch)
        {
            if (failure is not null && other.Error is null) other.Error = failure;
            if (!ReferenceEquals(other, save)) other.Turn.TrySetResult(false);
        }

        next?.Turn.TrySetResult(true);
        return save.Result();
    }

    private async Task WriteAsync(List<Save> batch)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        PrepareConnection?.Invoke(connection);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var written = 0;
        foreach (var save in batch)
        {
            try
            {
                save.Count = await save.Db.SaveSharedAsync(connection, transaction, savepoint: batch.Count > 1);
                written++;
            }
            catch (Exception e)
            {
                save.Error = e;
                // A statement error leaves the transaction open (the savepoint undid the save); an I/O or a full disk
                // can end it, and then nothing of this batch is written.
                if (batch.Count == 1 || SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0) throw;
            }
        }

        if (written == 0) return;
        await transaction.CommitAsync();
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _saves, written);
        foreach (var save in batch)
            if (save.Error is null && save.Accept) save.Db.ChangeTracker.AcceptAllChanges();
    }

    private sealed class Save(SqliteParleyDbContext db, bool accept)
    {
        public SqliteParleyDbContext Db { get; } = db;

        public bool Accept { get; } = accept;

        /// <summary>True: lead the next batch; false: written (or failed) by a leader.</summary>
        public TaskCompletionSource<bool> Turn { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }

        public Exception? Error { get; set; }

        public int Result() => Error is null ? Count : throw Rethrowable(Error);

        private static Exception Rethrowable(Exception e)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
            return e;
        }
    }
}

public sealed partial class SqliteParleyDbContext
{
    /// <summary>
    /// This context's pending changes, written on <paramref name="connection"/> inside <paramref name="transaction"/>
    /// (the batch's), without accepting them: the batch accepts them after its commit. The context gets its own
    /// connection back afterwards (it was closed: a context that holds its connection open does not join a batch).
    /// </summary>
    internal async Task<int> SaveSharedAsync(SqliteConnection connection, SqliteTransaction transaction, bool savepoint)
    {
        var relational = this.GetService<IRelationalConnection>();
        var connectionString = relational.ConnectionString;
        relational.SetDbConnection(connection, contextOwnsConnection: false);
        var autoSavepoints = Database.AutoSavepointsEnabled;
        Database.AutoSavepointsEnabled = savepoint;
        try
        {
            await Database.UseTransactionAsync(transaction);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, CancellationToken.None);
        }
        finally
        {
            Database.AutoSavepointsEnabled = autoSavepoints;
            await Database.UseTransactionAsync(null);
            relational.SetDbConnection(null, contextOwnsConnection: true);
            relational.ConnectionString = connectionString;
        }
    }
}
