using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Parley.Data.Conversations;

/// <summary>
/// SQLite only: every change to what the trigram index should hold waits in <c>MessageSearchQueue</c> (migration
/// SearchIndexOwnFile), numbered in commit order, and is indexed a batch at a time into the index's own database file
/// (<see cref="MessageSearchFile"/>). Triggers queue a new message's entry, and the entry of a message whose text,
/// hiding or deletion changed, or that was deleted (with its conversation or alone), to be taken out and put back as the
/// message is then.
/// </summary>
public static class MessageSearchQueue
{
    /// <summary>Queued changes indexed per transaction of the index's file.</summary>
    public const int Batch = 500;

    /// <summary>The table: <c>Seq</c> in commit order, the index entry's key, and whether an entry may be there to take out first.</summary>
    public const string Create = "CREATE TABLE MessageSearchQueue (Seq INTEGER PRIMARY KEY AUTOINCREMENT, EntryKey INTEGER NOT NULL, Reindex INTEGER NOT NULL)";
}

/// <summary>
/// SQLite only: the trigram index of message texts. It is contentless and each entry's rowid names the message's
/// conversation: <see cref="Key"/> puts the conversation's rowid in the high 32 bits and the message's rowid in the low
/// ones, so a search lists the conversations that match straight from the index, without reading a message. Only shown
/// messages are in it (neither deleted nor a blocked client's hidden ones).
/// </summary>
/// <remarks>
/// Rowids name rows here, so the database must not be <c>VACUUM</c>ed (which may renumber the rowids of tables without an
/// INTEGER PRIMARY KEY). Message rowids are assumed below 2³² (4 billion messages) for the key to be unique.
/// </remarks>
public static class MessageSearchIndex
{
    /// <summary>The index's rowid of a message, from the SQL of its conversation's rowid and its own.</summary>
    public static string Key(string conversationRowid, string messageRowid) => $"(({conversationRowid} << 32) | ({messageRowid} & 4294967295))";

    /// <summary>The SQL of the message rowid an index key (<see cref="Key"/>) names.</summary>
    public static string MessageOf(string key) => $"({key} & 4294967295)";

    /// <summary>The lowest index rowid of a conversation's messages (<see cref="Key"/>; an index rowid's conversation is its rowid &gt;&gt; 32).</summary>
    public static long FirstKeyOf(long conversationRowid) => conversationRowid << 32;

    /// <summary>The SQL condition for a message (by its table alias) being shown, so in the index.</summary>
    public static string Shown(string message) => $"NOT {message}.IsHiddenBlocked AND {message}.DeletedAt IS NULL";
}

/// <summary>
/// SQLite only: the trigram index of message texts (<c>MessageSearch</c>) lives in a database file of its own next to the
/// main one (<c>parley.db</c> → <c>parley.search.db</c>), attached as <see cref="Schema"/> by the connections that search
/// or index. SQLite has one writer per file: in the main file, indexing a batch held the one write lock for 10–40 ms at a
/// time (up to 120), four times a second, and every message that arrived meanwhile waited. In its own file the index is
/// written beside the messages; the main file only queues the changes (<see cref="MessageSearchQueue"/>) and forgets
/// them once indexed.
/// </summary>
/// <remarks>
/// The file is derived data: deleted, or left from another main file (the main file's <c>MessageSearchFile</c> token
/// does not match), it is built again from the messages at start (<see cref="EnsureAsync"/>). The queue's position
/// (<c>SearchProgress.LastSeq</c>) is committed in the index's file with the entries it covers, so a crash between that
/// commit and the main file's forgetting never indexes a change twice. Only deferred transactions touch it: an
/// <c>BEGIN IMMEDIATE</c> takes the write lock of every attached file.
/// </remarks>
public static class MessageSearchFile
{
    /// <summary>The name the index's file is attached under.</summary>
    public const string Schema = "search";

    /// <summary>The index file of a main database (its connection string); null for an in-memory database, which has none.</summary>
    public static string? PathFor(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.Ordinal)) return null;
        var full = Path.GetFullPath(source);
        return Path.Combine(Path.GetDirectoryName(full) ?? "", Path.GetFileNameWithoutExtension(full) + ".search" + Path.GetExtension(full));
    }

    /// <summary>Whether the connection has the index's file attached.</summary>
    public static async Task<bool> IsAttachedAsync(SqliteConnection connection, CancellationToken ct) =>
        await ScalarAsync(connection, null, $"SELECT count(*) FROM pragma_database_list WHERE name = '{Schema}'", ct) > 0;

    /// <summary>Attaches the index's file to the open connection, unless it is; the file is made when missing.</summary>
    public static async Task AttachAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (await IsAttachedAsync(connection, ct)) return;
        var path = PathFor(connection.ConnectionString) ?? throw new InvalidOperationException("An in-memory SQLite database has no search index file.");
        await using var command = connection.CreateCommand();
        command.CommandText = $"ATTACH DATABASE $path AS {Schema}";
        command.Parameters.AddWithValue("$path", path);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Detaches the index's file, if attached: a pooled connection goes back without it.</summary>
    public static async Task DetachAsync(SqliteConnection connection, CancellationToken ct)
    {
        if (await IsAttachedAsync(connection, ct)) await ExecuteAsync(connection, null, $"DETACH DATABASE {Schema}", ct);
    }

    /// <summary>
    /// At start, on a connection with the file attached: makes the index's tables, and fills the index from every shown
    /// message when the file is new or belongs to another main file. Returns how many messages it indexed (0: none needed).
    /// </summary>
    public static async Task<long> EnsureAsync(SqliteConnection connection, CancellationToken ct)
    {
        await CreateAsync(connection, ct);
        if (await ScalarAsync(connection, null, $"SELECT (SELECT Token FROM {Schema}.SearchProgress) IS (SELECT Token FROM main.MessageSearchFile)", ct) == 1) return 0;
        return await BuildAsync(connection, ct);
    }

    /// <summary>
    /// Fills the index afresh from every shown message, its tables made first when missing (<see cref="EnsureAsync"/>; a
    /// bulk load after it has loaded); returns how many.
    /// </summary>
    public static async Task<long> BuildAsync(SqliteConnection connection, CancellationToken ct)
    {
        await CreateAsync(connection, ct);
        // One deferred transaction: the main file is read as of one moment, and every change queued after it has a
        // higher Seq than the one recorded, so it is indexed next.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO {Schema}.MessageSearch (MessageSearch) VALUES ('delete-all');
            DELETE FROM {Schema}.SearchProgress;
            INSERT INTO {Schema}.SearchProgress (Id, Token, LastSeq)
            SELECT 1, Token, coalesce((SELECT seq FROM main.sqlite_sequence WHERE name = 'MessageSearchQueue'), 0) FROM main.MessageSearchFile;
            """, ct);
        var filled = await ExecuteAsync(connection, transaction, $"""
            INSERT INTO {Schema}.MessageSearch (rowid, Text)
            SELECT {MessageSearchIndex.Key("c.rowid", "m.rowid")}, m.Text FROM main.Messages m JOIN main.Conversations c ON c.Id = m.ConversationId
            WHERE {MessageSearchIndex.Shown("m")}
            """, ct);
        await transaction.CommitAsync(ct);
        // The whole index went through the log in one transaction: copied now, and the log file cut back to nothing.
        await ExecuteAsync(connection, null, $"PRAGMA {Schema}.wal_checkpoint(TRUNCATE)", ct);
        return filled;
    }

    private static Task<int> CreateAsync(SqliteConnection connection, CancellationToken ct) => ExecuteAsync(connection, null, $"""
        PRAGMA {Schema}.journal_mode=WAL;
        CREATE VIRTUAL TABLE IF NOT EXISTS {Schema}.MessageSearch USING fts5(Text, content='', contentless_delete=1, tokenize='trigram');
        CREATE TABLE IF NOT EXISTS {Schema}.SearchProgress (Id INTEGER PRIMARY KEY CHECK (Id = 1), Token TEXT NOT NULL, LastSeq INTEGER NOT NULL);
        """, ct);

    /// <summary>Whether changes wait for the index (read without any write lock).</summary>
    public static async Task<bool> AnyWaitingAsync(SqliteConnection connection, CancellationToken ct) =>
        await ScalarAsync(connection, null, $"SELECT EXISTS (SELECT 1 FROM main.MessageSearchQueue WHERE Seq > (SELECT LastSeq FROM {Schema}.SearchProgress))", ct) == 1;

    /// <summary>Whether the queue still holds changes that are indexed (taken off by <see cref="ForgetIndexedAsync"/>).</summary>
    public static async Task<bool> AnyIndexedAsync(SqliteConnection connection, CancellationToken ct) =>
        await ScalarAsync(connection, null, $"SELECT EXISTS (SELECT 1 FROM main.MessageSearchQueue WHERE Seq <= (SELECT LastSeq FROM {Schema}.SearchProgress))", ct) == 1;

    /// <summary>
    /// Indexes the next batch of queued changes in one transaction of the index's file, which the caller holds the write
    /// gate of; returns how many changes it took (0: none waited). The main file is only read.
    /// </summary>
    public static async Task<int> IndexBatchAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var transaction = connection.BeginTransaction(deferred: true);
        var last = await ScalarAsync(connection, transaction, $"SELECT LastSeq FROM {Schema}.SearchProgress", ct);
        var (upTo, count) = await PairAsync(connection, transaction, $"""
            SELECT coalesce(max(Seq), 0), count(*) FROM (SELECT Seq FROM main.MessageSearchQueue WHERE Seq > {last} ORDER BY Seq LIMIT {MessageSearchQueue.Batch})
            """, ct);
        if (count == 0) return 0;
        var batch = $"main.MessageSearchQueue WHERE Seq > {last} AND Seq <= {upTo}";
        await ExecuteAsync(connection, transaction, $"""
            DELETE FROM {Schema}.MessageSearch WHERE rowid IN (SELECT EntryKey FROM {batch} AND Reindex);
            INSERT INTO {Schema}.MessageSearch (rowid, Text)
            SELECT q.EntryKey, m.Text FROM (SELECT DISTINCT EntryKey FROM {batch}) q JOIN main.Messages m ON m.rowid = {MessageSearchIndex.MessageOf("q.EntryKey")}
            WHERE {MessageSearchIndex.Shown("m")};
            UPDATE {Schema}.SearchProgress SET LastSeq = {upTo};
            """, ct);
        await transaction.CommitAsync(ct);
        return (int)count;
    }

    /// <summary>Takes the indexed changes off the main file's queue; the caller holds the main file's write gate.</summary>
    public static Task<int> ForgetIndexedAsync(SqliteConnection connection, CancellationToken ct) =>
        ExecuteAsync(connection, null, $"DELETE FROM main.MessageSearchQueue WHERE Seq <= (SELECT LastSeq FROM {Schema}.SearchProgress)", ct);

    /// <summary>Copies the index file's write-ahead log into it (no waiting), so that its next writer can start the log over.</summary>
    public static Task CheckpointAsync(SqliteConnection connection, CancellationToken ct) =>
        ExecuteAsync(connection, null, $"PRAGMA {Schema}.wal_checkpoint(PASSIVE)", ct);

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task<(long, long)> PairAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
