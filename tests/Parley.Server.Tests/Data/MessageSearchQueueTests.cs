using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Server.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>
/// SQLite indexes new messages in batches (migration DeferredMessageSearch): a message waits in the queue until a batch
/// indexes it, with the text it has then; edits and deletions keep the index equal to the messages either way. Each entry
/// names its conversation, and only shown messages are in it (migration ConversationKeyedSearch).
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
        foreach (var conversation in new[] { "c", "d" })
        {
            await ExecuteAsync(
                """
                INSERT INTO Conversations (Id, ClientId, ChannelId, ChannelType, Folder, IsAiHandled, AwaitingAnswer, OutOfHoursSent, UnreadCount, CreatedAt, LastMessageAt, Version, CompanyId)
                VALUES ($id, 'client', 'channel', 'Widget', 'New', 0, 0, 0, 0, '2026-11-27 12:00:00', '2026-11-27 12:00:00', 0, 'company')
                """, ("$id", conversation));
        }
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

    [Fact]
    public async Task Indexed_EachEntryNamesItsConversation()
    {
        await InsertAsync("m1", "спільне слово", "c");
        await InsertAsync("m2", "ще спільне", "d");
        await InsertAsync("m3", "інше", "d");
        await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);

        var named = await ListAsync("SELECT DISTINCT rowid >> 32 FROM MessageSearch WHERE MessageSearch MATCH '\"спільне\"' ORDER BY 1");

        Assert.Equal(await ListAsync("SELECT rowid FROM Conversations WHERE Id IN ('c', 'd') ORDER BY 1"), named);
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task HiddenOrDeleted_NotInIndex_BackWhenShownAgain()
    {
        await InsertAsync("hidden", "прихований текст", hidden: true);
        await InsertAsync("deleted", "видалений текст");
        await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);
        Assert.Equal(1, await FoundAsync("текст"));

        await ExecuteAsync("UPDATE Messages SET DeletedAt = '2026-11-27 13:00:00' WHERE Id = 'deleted'");
        Assert.Equal(0, await FoundAsync("текст"));
        await AssertIndexEqualsMessagesAsync();

        await ExecuteAsync("UPDATE Messages SET IsHiddenBlocked = 0 WHERE Id = 'hidden'");
        Assert.Equal(1, await FoundAsync("прихований"));
        Assert.Equal(0, await FoundAsync("видалений"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task ConversationDeleted_ItsEntriesLeaveTheIndexBeforeItsMessages()
    {
        await InsertAsync("m1", "лист першої розмови", "c");
        await InsertAsync("m2", "лист другої розмови", "d");
        await SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);

        // As the cascade does it: the conversation first, then its messages, which can no longer read it.
        await ExecuteAsync("DELETE FROM Conversations WHERE Id = 'c'");
        Assert.Equal(1, await FoundAsync("лист"));
        Assert.Equal(0, await FoundAsync("першої"));
        await ExecuteAsync("DELETE FROM Messages WHERE ConversationId = 'c'");

        Assert.Equal(1, await FoundAsync("другої"));
        await AssertIndexEqualsMessagesAsync();
    }

    private Task InsertAsync(string id, string text, string conversation = "c", bool hidden = false) => ExecuteAsync(
        """
        INSERT INTO Messages (Id, ConversationId, AuthorKind, IsPrivateNote, Text, Buttons, Attachments, DeliveryStatus, IsHiddenBlocked, CreatedAt, CompanyId)
        VALUES ($id, $conversation, 'Client', 0, $text, '[]', '[]', 'Sent', $hidden, '2026-11-27 12:00:00', 'company')
        """, ("$id", id), ("$text", text), ("$conversation", conversation), ("$hidden", hidden));

    private async Task<List<long>> ListAsync(string sql)
    {
        var values = new List<long>();
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) values.Add(reader.GetInt64(0));
        return values;
    }

    private async Task<long> FoundAsync(string text) =>
        await ScalarAsync("SELECT count(*) FROM MessageSearch WHERE MessageSearch MATCH $q", ("$q", "\"" + text + "\""));

    private async Task<long> WaitingAsync() => await ScalarAsync("SELECT count(*) FROM MessageSearchQueue");

    /// <summary>
    /// FTS5's own check of the index, and one entry for each shown message of a conversation, no more; each entry under
    /// its message's key (conversation rowid, message rowid), so nothing is left under a key no message has.
    /// </summary>
    private async Task AssertIndexEqualsMessagesAsync()
    {
        await ExecuteAsync("INSERT INTO MessageSearch (MessageSearch, rank) VALUES ('integrity-check', 1)");
        var keys = await ListAsync($"""
            SELECT {Parley.Data.Conversations.MessageSearchIndex.Key("c.rowid", "m.rowid")} FROM Messages m JOIN Conversations c ON c.Id = m.ConversationId
            WHERE {Parley.Data.Conversations.MessageSearchIndex.Shown("m")} AND m.rowid NOT IN (SELECT MessageRowid FROM MessageSearchQueue) ORDER BY 1
            """);
        Assert.Equal(keys, await ListAsync("SELECT id FROM MessageSearch_docsize ORDER BY 1"));
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
