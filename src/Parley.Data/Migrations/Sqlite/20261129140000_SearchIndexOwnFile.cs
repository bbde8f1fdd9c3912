using Microsoft.EntityFrameworkCore.Migrations;
using Parley.Data.Conversations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
{
    /// <summary>
    /// The trigram index of message texts moves to a database file of its own (<see cref="MessageSearchFile"/>), so that
    /// indexing no longer holds the main file's one write lock. The main file keeps a queue of the changes the index has to
    /// take (<see cref="MessageSearchQueue"/>), each under its entry's key, since a deleted message's conversation cannot be
    /// read afterwards; and a token that names it to its index file. The server builds the new file from the messages at
    /// its next start.
    /// </summary>
    public partial class SearchIndexOwnFile : Migration
    {
        private static readonly string Queue = "INSERT INTO MessageSearchQueue (EntryKey, Reindex)";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "MessageSearch_Insert", "MessageSearch_Delete", "MessageSearch_Update", "MessageSearch_Conversation" })
                migrationBuilder.Sql($"DROP TRIGGER {trigger}");
            migrationBuilder.Sql("DROP TABLE MessageSearch");
            migrationBuilder.Sql("DROP TABLE MessageSearchQueue");
            migrationBuilder.Sql(MessageSearchQueue.Create);
            migrationBuilder.Sql("CREATE TABLE MessageSearchFile (Token TEXT NOT NULL)");
            migrationBuilder.Sql("INSERT INTO MessageSearchFile (Token) VALUES (lower(hex(randomblob(16))))");
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Insert AFTER INSERT ON Messages BEGIN
                  {Queue} SELECT {MessageSearchIndex.Key("c.rowid", "NEW.rowid")}, 0 FROM Conversations c WHERE c.Id = NEW.ConversationId;
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Update AFTER UPDATE OF Text, IsHiddenBlocked, DeletedAt ON Messages
                WHEN OLD.Text IS NOT NEW.Text OR OLD.IsHiddenBlocked IS NOT NEW.IsHiddenBlocked OR OLD.DeletedAt IS NOT NEW.DeletedAt
                BEGIN
                  {Queue} SELECT {MessageSearchIndex.Key("c.rowid", "NEW.rowid")}, 1 FROM Conversations c WHERE c.Id = NEW.ConversationId;
                END;
                """);
            // A conversation's messages are deleted by the cascade after it, when their conversation can no longer be read:
            // its deletion queues their keys first, and a message's own deletion finds no conversation then.
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Delete AFTER DELETE ON Messages BEGIN
                  {Queue} SELECT {MessageSearchIndex.Key("c.rowid", "OLD.rowid")}, 1 FROM Conversations c WHERE c.Id = OLD.ConversationId;
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Conversation BEFORE DELETE ON Conversations BEGIN
                  {Queue} SELECT {MessageSearchIndex.Key("OLD.rowid", "m.rowid")}, 1 FROM Messages m WHERE m.ConversationId = OLD.Id;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "MessageSearch_Insert", "MessageSearch_Delete", "MessageSearch_Update", "MessageSearch_Conversation" })
                migrationBuilder.Sql($"DROP TRIGGER {trigger}");
            migrationBuilder.Sql("DROP TABLE MessageSearchFile");
            migrationBuilder.Sql("DROP TABLE MessageSearchQueue");
            migrationBuilder.Sql("CREATE TABLE MessageSearchQueue (MessageRowid INTEGER PRIMARY KEY)");
            migrationBuilder.Sql("CREATE VIRTUAL TABLE MessageSearch USING fts5(Text, content='', contentless_delete=1, tokenize='trigram')");
            migrationBuilder.Sql($"""
                INSERT INTO MessageSearch (rowid, Text)
                SELECT {MessageSearchIndex.Key("c.rowid", "m.rowid")}, m.Text FROM Messages m JOIN Conversations c ON c.Id = m.ConversationId
                WHERE {MessageSearchIndex.Shown("m")}
                """);
            var oldKey = MessageSearchIndex.Key("(SELECT rowid FROM Conversations WHERE Id = OLD.ConversationId)", "OLD.rowid");
            var newKey = MessageSearchIndex.Key("(SELECT rowid FROM Conversations WHERE Id = NEW.ConversationId)", "NEW.rowid");
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Insert AFTER INSERT ON Messages BEGIN
                  INSERT INTO MessageSearchQueue (MessageRowid) VALUES (NEW.rowid);
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Delete AFTER DELETE ON Messages BEGIN
                  DELETE FROM MessageSearch WHERE rowid = {oldKey};
                  DELETE FROM MessageSearchQueue WHERE MessageRowid = OLD.rowid;
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Update AFTER UPDATE OF Text, IsHiddenBlocked, DeletedAt ON Messages
                WHEN NOT EXISTS (SELECT 1 FROM MessageSearchQueue WHERE MessageRowid = OLD.rowid)
                BEGIN
                  DELETE FROM MessageSearch WHERE rowid = {oldKey};
                  INSERT INTO MessageSearch (rowid, Text) SELECT {newKey}, NEW.Text WHERE {MessageSearchIndex.Shown("NEW")};
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER MessageSearch_Conversation BEFORE DELETE ON Conversations BEGIN
                  DELETE FROM MessageSearch WHERE rowid IN (SELECT {MessageSearchIndex.Key("OLD.rowid", "m.rowid")} FROM Messages m WHERE m.ConversationId = OLD.Id);
                END;
                """);
        }
    }
}
