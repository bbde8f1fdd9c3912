using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Catalog;
using Parley.Domain.Companies;

namespace Parley.Server.Tests.Data;

/// <summary>
/// SQLite saves that queue for the write lock together are written in one transaction (<see cref="SqliteGroupCommit"/>):
/// each is still all-or-nothing on its own, none returns before the commit, and each context keeps working afterwards.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"parley-group-{Guid.NewGuid():N}.db");
    private readonly Company _company = new() { Name = "Group commit", CreatedAt = DateTime.UtcNow };

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString();

    private SqliteGroupCommit Group => SqliteGroupCommit.For(ConnectionString);

    private SemaphoreSlim Gate => SqliteWriteGate.For(ConnectionString);

    public async Task InitializeAsync()
    {
        await using var db = Context();
        await db.Database.MigrateAsync();
        db.Companies.Add(_company);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task SavesQueuedTogether_OneCommit_EachSeesItsRowsAfterwards()
    {
        var contexts = Enumerable.Range(0, 5).Select(_ => Context()).ToList();
        for (var i = 0; i < contexts.Count; i++) contexts[i].Tags.Add(new Tag { CompanyId = _company.Id, Name = $"tag-{i}" });
        var batchesBefore = Group.Batches;

        // While the lock is held (as by a checkpoint), all five queue; the first to arrive writes them all at once.
        await Gate.WaitAsync();
        var saves = contexts.Select(db => db.SaveChangesAsync()).ToList();
        Assert.Equal(contexts.Count, Group.Waiting);
        Assert.All(saves, s => Assert.False(s.IsCompleted));
        Gate.Release();

        Assert.Equal(Enumerable.Repeat(1, contexts.Count), await Task.WhenAll(saves));
        Assert.Equal(batchesBefore + 1, Group.Batches);
        Assert.Equal(0, Group.Waiting);
        await using (var reader = Context())
            Assert.Equal(contexts.Count, await reader.Tags.CountAsync(t => t.CompanyId == _company.Id));

        // Each context took its own connection back and has accepted its changes: it reads and saves on its own again.
        foreach (var db in contexts)
        {
            Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
            Assert.Equal(contexts.Count, await db.Tags.CountAsync());
            db.ChangeTracker.Entries<Tag>().Single().Entity.Color = "#000000";
            Assert.Equal(1, await db.SaveChangesAsync());
            await db.DisposeAsync();
        }

        await using (var reader = Context())
            Assert.Equal(contexts.Count, await reader.Tags.CountAsync(t => t.Color == "#000000"));
    }

    [Fact]
    public async Task OneSaveOfABatchFails_OnlyItIsUndone_TheOthersAreCommitted()
    {
        await using (var db = Context())
        {
            db.Tags.Add(new Tag { CompanyId = _company.Id, Name = "taken" });
            await db.SaveChangesAsync();
        }

        await using var first = Context();
        await using var clash = Context();
        await using var last = Context();
        first.Tags.Add(new Tag { CompanyId = _company.Id, Name = "first" });
        clash.Tags.Add(new Tag { CompanyId = _company.Id, Name = "clash-ok" });
        clash.Tags.Add(new Tag { CompanyId = _company.Id, Name = "taken" });
        last.Tags.Add(new Tag { CompanyId = _company.Id, Name = "last" });

        await Gate.WaitAsync();
        var saves = new[] { first.SaveChangesAsync(), clash.SaveChangesAsync(), last.SaveChangesAsync() };
        Assert.Equal(3, Group.Waiting);
        Gate.Release();

        Assert.Equal(1, await saves[0]);
        await Assert.ThrowsAsync<DbUpdateException>(() => saves[1]);
        Assert.Equal(1, await saves[2]);

        await using var reader = Context();
        var names = await reader.Tags.Where(t => t.CompanyId == _company.Id).Select(t => t.Name).OrderBy(n => n).ToListAsync();
        Assert.Equal(["first", "last", "taken"], names);

        // The failed context still holds its changes, unsaved, as after any failed save.
        Assert.Equal(2, clash.ChangeTracker.Entries<Tag>().Count(e => e.State == EntityState.Added));
    }

    [Fact]
    public async Task ContextHoldingItsConnectionOpen_WritesOnItsOwnConnection()
    {
        await using var db = Context();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var savesBefore = Group.Saves;

        db.Tags.Add(new Tag { CompanyId = _company.Id, Name = "own" });
        Assert.Equal(1, await db.SaveChangesAsync());

        Assert.Same(connection, db.Database.GetDbConnection());
        Assert.Equal(savesBefore, Group.Saves);
        Assert.Equal(1, await db.Tags.CountAsync(t => t.Name == "own"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    private SqliteParleyDbContext Context() =>
        new(new DbContextOptionsBuilder<SqliteParleyDbContext>().UseSqlite(ConnectionString).Options);
}
