using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Server.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>
/// SQLite indexes new messages in batches (migration DeferredMessageSearch): a message waits in the queue until a batch
/// indexes it, with the text it has then; edits and deletions keep the index equal to the messages either way.
/// </summary>
public sealed class MessageSearchQueueTests : IAsyncLifetime, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"parley-searchq-{Guid.NewGuid():N}.db");
    private SqliteConnection _connection = null!;

    // Messages are written bare, without their conversation and company: foreign keys off.
    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false, ForeignKeys = false }.ToString();

    public async Task InitializeAsync()
    {
        await using (var db = new SqliteParleyDbContext(new DbContextOptionsBuilder<SqliteParleyDbContext>().UseSqlite(ConnectionString).Options))
            await db.Database.MigrateAsync();
        _connection = new SqliteConnection(ConnectionString);
        await _connection.OpenAsync();
    }

    [Fact]
    public async Task NewMessage_WaitsUntilIndexed_ThenFound()
    {
        await InsertAsync("m1", "Де моє замовлення 4471?");

        Assert.Equal(0, await FoundAsync("замовлення"));
        Assert.Equal(1, await WaitingAsync());

        Assert.Equal(1, await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None));

        Assert.Equal(1, await FoundAsync("замовлення"));
        Assert.Equal(0, await WaitingAsync());
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task EditedWhileWaiting_IndexedWithTheNewTextOnly()
    {
        await InsertAsync("m1", "старий текст");
        await ExecuteAsync("UPDATE Messages SET Text = 'новий текст' WHERE Id = 'm1'");

        await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);

        Assert.Equal(1, await FoundAsync("новий"));
        Assert.Equal(0, await FoundAsync("старий"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task EditedAfterIndexed_IndexFollowsAtOnce()
    {
        await InsertAsync("m1", "old words");
        await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);

        await ExecuteAsync("UPDATE Messages SET Text = 'fresh words' WHERE Id = 'm1'");

        Assert.Equal(0, await WaitingAsync());
        Assert.Equal(1, await FoundAsync("fresh"));
        Assert.Equal(0, await FoundAsync("old w"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task DeletedWhileWaitingAndAfterIndexed_LeavesNeitherInIndexNorQueue()
    {
        await InsertAsync("indexed", "перший лист");
        await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);
        await InsertAsync("waiting", "другий лист");

        await ExecuteAsync("DELETE FROM Messages");

        Assert.Equal(0, await WaitingAsync());
        Assert.Equal(0, await FoundAsync("лист"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task MoreThanABatchWaiting_AllIndexed()
    {
        var count = Parley.Data.Conversations.MessageSearchQueue.Batch + 7;
        await ExecuteAsync("BEGIN");
        for (var i = 0; i < count; i++) await InsertAsync($"m{i}", $"повідомлення номер {i}");
        await ExecuteAsync("COMMIT");

        Assert.Equal(count, await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None));

        Assert.Equal(count, await FoundAsync("номер"));
        await AssertIndexEqualsMessagesAsync();
    }

    private Task InsertAsync(string id, string text) => ExecuteAsync(
        """
        INSERT INTO Messages (Id, ConversationId, AuthorKind, IsPrivateNote, Text, Buttons, Attachments, DeliveryStatus, IsHiddenBlocked, CreatedAt, CompanyId)
        VALUES ($id, 'c', 'Client', 0, $text, '[]', '[]', 'Sent', 0, '2026-11-27 12:00:00', 'company')
        """, ("$id", id), ("$text", text));

    private async Task<long> FoundAsync(string text) =>
        await ScalarAsync("SELECT count(*) FROM MessageSearch WHERE MessageSearch MATCH $q", ("$q", "\"" + text + "\""));

    private async Task<long> WaitingAsync() => await ScalarAsync("SELECT count(*) FROM MessageSearchQueue");

    /// <summary>FTS5's own check of an external-content index against its table: every message, with its current text.</summary>
    private async Task AssertIndexEqualsMessagesAsync()
    {
        await ExecuteAsync("INSERT INTO MessageSearch (MessageSearch, rank) VALUES ('integrity-check', 1)");
        Assert.Equal(await ScalarAsync("SELECT count(*) FROM Messages"), await ScalarAsync("SELECT count(*) FROM MessageSearch_docsize"));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    public void Dispose()
    {
        _connection.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
