using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
{
    /// <summary>
    /// The folder counters (<c>ConversationCounts</c>, DataScale) are moved when the transaction commits instead of when its
    /// conversation is written: the same triggers, as deferred constraint triggers. A counter row is one per company,
    /// folder, assignee, platform, AI mark and language, so every new chat of a company on a channel moves the same row
    /// (New, unassigned), and so does every accept; its lock was held from the conversation's insert or update until the
    /// commit, across the statements after it and the round trip to the server, and a burst of new chats queued behind it
    /// one by one (200 visitors writing at once: 60 ms per counter update, 36 s in all, spent waiting for that lock; 68 ms
    /// in all for 500 visitors after this change). Now each transaction holds it only while it commits. The counters still change in the same transaction as the conversation,
    /// so they stay exact; nothing reads them in a transaction after changing a conversation. Each trigger sees the row as
    /// it was at its own change (OLD and NEW are kept), so an insert and an update in one transaction still add up. The
    /// tag counters stay immediate: they join the client's tags as they are when the trigger runs, which must be at the
    /// change itself.
    /// </summary>
    public partial class DeferredConversationCounts : Migration
    {
        private const string Watched = """
            FOR EACH ROW WHEN ((OLD."CompanyId", OLD."Folder", OLD."AssigneeId", OLD."ChannelType", OLD."IsAiHandled", OLD."Language")
              IS DISTINCT FROM (NEW."CompanyId", NEW."Folder", NEW."AssigneeId", NEW."ChannelType", NEW."IsAiHandled", NEW."Language"))
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER "ConversationCounts_InsertDelete" ON "Conversations";
                DROP TRIGGER "ConversationCounts_Update" ON "Conversations";
                CREATE CONSTRAINT TRIGGER "ConversationCounts_InsertDelete" AFTER INSERT OR DELETE ON "Conversations"
                  DEFERRABLE INITIALLY DEFERRED
                  FOR EACH ROW EXECUTE FUNCTION parley_conversation_counts();
                CREATE CONSTRAINT TRIGGER "ConversationCounts_Update"
                  AFTER UPDATE OF "CompanyId", "Folder", "AssigneeId", "ChannelType", "IsAiHandled", "Language" ON "Conversations"
                  DEFERRABLE INITIALLY DEFERRED
                  {Watched}
                  EXECUTE FUNCTION parley_conversation_counts();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DROP TRIGGER "ConversationCounts_InsertDelete" ON "Conversations";
                DROP TRIGGER "ConversationCounts_Update" ON "Conversations";
                CREATE TRIGGER "ConversationCounts_InsertDelete" AFTER INSERT OR DELETE ON "Conversations"
                  FOR EACH ROW EXECUTE FUNCTION parley_conversation_counts();
                CREATE TRIGGER "ConversationCounts_Update"
                  AFTER UPDATE OF "CompanyId", "Folder", "AssigneeId", "ChannelType", "IsAiHandled", "Language" ON "Conversations"
                  {Watched}
                  EXECUTE FUNCTION parley_conversation_counts();
                """);
        }
    }
}
