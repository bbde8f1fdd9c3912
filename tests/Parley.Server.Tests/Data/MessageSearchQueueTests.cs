using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Conversations;
using Parley.Server.Infrastructure;

namespace Parley.Server.Tests.Data;

/// <summary>
/// SQLite's message index lives in a file of its own (<see cref="MessageSearchFile"/>, migration SearchIndexOwnFile): every
/// change waits in the main file's queue until a batch indexes it, with the text the message has then, so that the index
/// equals the shown messages once nothing waits. Each entry names its conversation. Indexing writes only the index's file.
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
        await MessageSearchFile.AttachAsync(_connection, CancellationToken.None);
        Assert.Equal(0, await MessageSearchFile.EnsureAsync(_connection, CancellationToken.None));
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

        Assert.Equal(1, await IndexAsync());

        Assert.Equal(1, await FoundAsync("замовлення"));
        Assert.Equal(0, await WaitingAsync());
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM main.MessageSearchQueue"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task TheIndex_IsInItsOwnFile()
    {
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM main.sqlite_master WHERE name = 'MessageSearch'"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM search.sqlite_master WHERE name = 'MessageSearch'"));
        Assert.True(File.Exists(MessageSearchFile.PathFor(ConnectionString)));
        Assert.EndsWith(".search.db", MessageSearchFile.PathFor(ConnectionString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Indexing_DoesNotWaitForTheMainFilesWriter()
    {
        await InsertAsync("m1", "поки пише інший");
        await using var writer = new SqliteConnection(ConnectionString);
        await writer.OpenAsync();
        await using var holding = writer.BeginTransaction(deferred: false);
        await using (var insert = writer.CreateCommand())
        {
            insert.Transaction = holding;
            insert.CommandText = "UPDATE Conversations SET UnreadCount = 1 WHERE Id = 'c'";
            await insert.ExecuteNonQueryAsync();
        }

        // The main file's write lock is held by the other connection: a batch only reads the main file.
        Assert.Equal(1, await MessageSearchFile.IndexBatchAsync(_connection, CancellationToken.None));
        Assert.Equal(1, await FoundAsync("інший"));
        await holding.RollbackAsync();
    }

    [Fact]
    public async Task IndexedButNotYetForgotten_IsNotIndexedTwice()
    {
        await InsertAsync("m1", "лише один раз");
        // As after a crash between the index file's commit and the main file's forgetting: the queue still holds it.
        Assert.Equal(1, await MessageSearchFile.IndexBatchAsync(_connection, CancellationToken.None));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM main.MessageSearchQueue"));

        Assert.Equal(0, await IndexAsync());

        Assert.Equal(1, await FoundAsync("один раз"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM main.MessageSearchQueue"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task IndexFileDeletedOrAnotherDatabases_BuiltAgainFromTheMessages()
    {
        await InsertAsync("m1", "перший лист", "c");
        await InsertAsync("m2", "другий лист", "d");
        await InsertAsync("hidden", "прихований лист", hidden: true);
        await IndexAsync();
        await InsertAsync("m3", "третій лист, ще в черзі");

        // Another main file's index (its token differs): rebuilt, queued messages included.
        await ExecuteAsync("UPDATE main.MessageSearchFile SET Token = 'another'");
        Assert.Equal(3, await MessageSearchFile.EnsureAsync(_connection, CancellationToken.None));
        Assert.Equal(3, await FoundAsync("лист"));
        Assert.Equal(0, await MessageSearchFile.EnsureAsync(_connection, CancellationToken.None));
        Assert.Equal(0, await IndexAsync());
        await AssertIndexEqualsMessagesAsync();

        // The file deleted: made again at the next attach, and filled.
        await MessageSearchFile.DetachAsync(_connection, CancellationToken.None);
        SqliteConnection.ClearAllPools();
        foreach (var file in SearchFiles()) File.Delete(file);
        await MessageSearchFile.AttachAsync(_connection, CancellationToken.None);
        Assert.Equal(3, await MessageSearchFile.EnsureAsync(_connection, CancellationToken.None));
        Assert.Equal(1, await FoundAsync("третій"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task EditedWhileWaiting_IndexedWithTheNewTextOnly()
    {
        await InsertAsync("m1", "старий текст");
        await ExecuteAsync("UPDATE Messages SET Text = 'новий текст' WHERE Id = 'm1'");

        await IndexAsync();

        Assert.Equal(1, await FoundAsync("новий"));
        Assert.Equal(0, await FoundAsync("старий"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task EditedAfterIndexed_WaitsThenTheIndexHasTheNewTextOnly()
    {
        await InsertAsync("m1", "old words");
        await IndexAsync();

        await ExecuteAsync("UPDATE Messages SET Text = 'fresh words' WHERE Id = 'm1'");
        await ExecuteAsync("UPDATE Messages SET Text = 'fresh words' WHERE Id = 'm1'"); // the same text: nothing to do
        Assert.Equal(1, await WaitingAsync());

        Assert.Equal(1, await IndexAsync());
        Assert.Equal(1, await FoundAsync("fresh"));
        Assert.Equal(0, await FoundAsync("old w"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task DeletedWhileWaitingAndAfterIndexed_LeavesNeitherInIndexNorQueue()
    {
        await InsertAsync("indexed", "перший лист");
        await IndexAsync();
        await InsertAsync("waiting", "другий лист");

        await ExecuteAsync("DELETE FROM Messages");
        await IndexAsync();

        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM main.MessageSearchQueue"));
        Assert.Equal(0, await FoundAsync("лист"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task MoreThanABatchWaiting_AllIndexed()
    {
        var count = MessageSearchQueue.Batch + 7;
        await ExecuteAsync("BEGIN");
        for (var i = 0; i < count; i++) await InsertAsync($"m{i}", $"повідомлення номер {i}");
        await ExecuteAsync("COMMIT");

        Assert.Equal(count, await IndexAsync());

        Assert.Equal(count, await FoundAsync("номер"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task Indexed_EachEntryNamesItsConversation()
    {
        await InsertAsync("m1", "спільне слово", "c");
        await InsertAsync("m2", "ще спільне", "d");
        await InsertAsync("m3", "інше", "d");
        await IndexAsync();

        var named = await ListAsync("SELECT DISTINCT rowid >> 32 FROM MessageSearch WHERE MessageSearch MATCH '\"спільне\"' ORDER BY 1");

        Assert.Equal(await ListAsync("SELECT rowid FROM Conversations WHERE Id IN ('c', 'd') ORDER BY 1"), named);
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task HiddenOrDeleted_NotInIndex_BackWhenShownAgain()
    {
        await InsertAsync("hidden", "прихований текст", hidden: true);
        await InsertAsync("deleted", "видалений текст");
        await IndexAsync();
        Assert.Equal(1, await FoundAsync("текст"));

        await ExecuteAsync("UPDATE Messages SET DeletedAt = '2026-11-27 13:00:00' WHERE Id = 'deleted'");
        await IndexAsync();
        Assert.Equal(0, await FoundAsync("текст"));
        await AssertIndexEqualsMessagesAsync();

        await ExecuteAsync("UPDATE Messages SET IsHiddenBlocked = 0 WHERE Id = 'hidden'");
        await IndexAsync();
        Assert.Equal(1, await FoundAsync("прихований"));
        Assert.Equal(0, await FoundAsync("видалений"));
        await AssertIndexEqualsMessagesAsync();
    }

    [Fact]
    public async Task ConversationDeleted_ItsEntriesLeaveTheIndex()
    {
        await InsertAsync("m1", "лист першої розмови", "c");
        await InsertAsync("m2", "лист другої розмови", "d");
        await IndexAsync();

        // As the cascade does it: the conversation first, then its messages, which can no longer read it.
        await ExecuteAsync("DELETE FROM Conversations WHERE Id = 'c'");
        await ExecuteAsync("DELETE FROM Messages WHERE ConversationId = 'c'");
        Assert.Equal(1, await WaitingAsync());
        await IndexAsync();

        Assert.Equal(1, await FoundAsync("лист"));
        Assert.Equal(0, await FoundAsync("першої"));
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

    /// <summary>Changes queued and not indexed yet.</summary>
    private async Task<long> WaitingAsync() =>
        await ScalarAsync("SELECT count(*) FROM main.MessageSearchQueue WHERE Seq > (SELECT LastSeq FROM search.SearchProgress)");

    private Task<int> IndexAsync() => SqliteSearchIndexer.IndexQueuedAsync(_connection, ConnectionString, CancellationToken.None);

    private IEnumerable<string> SearchFiles()
    {
        var path = MessageSearchFile.PathFor(ConnectionString)!;
        return new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists);
    }

    /// <summary>
    /// Nothing waits; FTS5's own check of the index; and one entry for each shown message of a conversation, no more,
    /// each under its message's key (conversation rowid, message rowid), so nothing is left under a key no message has.
    /// </summary>
    private async Task AssertIndexEqualsMessagesAsync()
    {
        Assert.Equal(0, await WaitingAsync());
        await ExecuteAsync("INSERT INTO search.MessageSearch (MessageSearch, rank) VALUES ('integrity-check', 1)");
        var keys = await ListAsync($"""
            SELECT {MessageSearchIndex.Key("c.rowid", "m.rowid")} FROM Messages m JOIN Conversations c ON c.Id = m.ConversationId
            WHERE {MessageSearchIndex.Shown("m")} ORDER BY 1
            """);
        Assert.Equal(keys, await ListAsync("SELECT id FROM search.MessageSearch_docsize ORDER BY 1"));
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
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }.Concat(SearchFiles()))
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }
}
