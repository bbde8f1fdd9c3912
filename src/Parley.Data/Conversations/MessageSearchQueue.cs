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

    /// <summary>Indexes the oldest waiting messages, with the text they have now.</summary>
    public static readonly string IndexBatch = $"""
        INSERT INTO MessageSearch (rowid, Text)
        SELECT m.rowid, m.Text FROM (SELECT MessageRowid FROM MessageSearchQueue ORDER BY MessageRowid LIMIT {Batch}) q
        JOIN Messages m ON m.rowid = q.MessageRowid
        """;

    /// <summary>Takes the same batch off the queue (in the same transaction, right after <see cref="IndexBatch"/>).</summary>
    public static readonly string ForgetBatch = $"""
        DELETE FROM MessageSearchQueue
        WHERE MessageRowid IN (SELECT MessageRowid FROM MessageSearchQueue ORDER BY MessageRowid LIMIT {Batch})
        """;
}
