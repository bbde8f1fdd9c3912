namespace Parley.Data.Conversations;

/// <summary>
/// SQLite only: new messages wait in <c>MessageSearchQueue</c> for the trigram index (migration DeferredMessageSearch),
/// and are indexed a batch at a time, in a write transaction of the caller's.
/// </summary>
public static class MessageSearchQueue
{
    /// <summary>Messages indexed per statement: a few milliseconds of the write lock at a time.</summary>
    public const int Batch = 500;

    /// <summary>Whether anything waits: read without the write lock, so a search of a quiet database does not take it.</summary>
    public const string AnyWaiting = "SELECT EXISTS (SELECT 1 FROM MessageSearchQueue)";

    /// <summary>Indexes the oldest waiting messages that are shown, with the text they have now.</summary>
    public static readonly string IndexBatch = $"""
        INSERT INTO MessageSearch (rowid, Text)
        SELECT {MessageSearchIndex.Key("c.rowid", "m.rowid")}, m.Text
        FROM (SELECT MessageRowid FROM MessageSearchQueue ORDER BY MessageRowid LIMIT {Batch}) q
        JOIN Messages m ON m.rowid = q.MessageRowid
        JOIN Conversations c ON c.Id = m.ConversationId
        WHERE {MessageSearchIndex.Shown("m")}
        """;

    /// <summary>Takes the same batch off the queue (in the same transaction, right after <see cref="IndexBatch"/>).</summary>
    public static readonly string ForgetBatch = $"""
        DELETE FROM MessageSearchQueue
        WHERE MessageRowid IN (SELECT MessageRowid FROM MessageSearchQueue ORDER BY MessageRowid LIMIT {Batch})
        """;
}

/// <summary>
/// SQLite only: the trigram index of message texts (migration ConversationKeyedSearch). It is contentless and each entry's
/// rowid names the message's conversation: <see cref="Key"/> puts the conversation's rowid in the high 32 bits and the
/// message's rowid in the low ones, so a search lists the conversations that match straight from the index, without
/// reading a message. Only shown messages are in it (neither deleted nor a blocked client's hidden ones).
/// </summary>
/// <remarks>
/// Rowids name rows here, so the database must not be <c>VACUUM</c>ed (which may renumber the rowids of tables without an
/// INTEGER PRIMARY KEY); the search index before this one, with the messages' rowids as its external content keys, had the
/// same condition. Message rowids are assumed below 2³² (4 billion messages) for the key to be unique.
/// </remarks>
public static class MessageSearchIndex
{
    /// <summary>The index's rowid of a message, from the SQL of its conversation's rowid and its own.</summary>
    public static string Key(string conversationRowid, string messageRowid) => $"(({conversationRowid} << 32) | ({messageRowid} & 4294967295))";

    /// <summary>The lowest index rowid of a conversation's messages (<see cref="Key"/>; an index rowid's conversation is its rowid &gt;&gt; 32).</summary>
    public static long FirstKeyOf(long conversationRowid) => conversationRowid << 32;

    /// <summary>The SQL condition for a message (by its table alias) being shown, so in the index.</summary>
    public static string Shown(string message) => $"NOT {message}.IsHiddenBlocked AND {message}.DeletedAt IS NULL";

    /// <summary>Fills the empty index from every shown message (the migration, and the bench after loading).</summary>
    public static readonly string Fill = $"""
        INSERT INTO MessageSearch (rowid, Text)
        SELECT {Key("c.rowid", "m.rowid")}, m.Text FROM Messages m JOIN Conversations c ON c.Id = m.ConversationId
        WHERE {Shown("m")}
        """;
}
