using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DataScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt",
                table: "Conversations");

            migrationBuilder.CreateTable(
                name: "ConversationCounts",
                columns: table => new
                {
                    CompanyId = table.Column<Guid>(type: "uuid", nullable: false),
                    Folder = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AssigneeId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChannelType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IsAiHandled = table.Column<bool>(type: "boolean", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConversationCounts", x => new { x.CompanyId, x.AssigneeId, x.Folder, x.ChannelType, x.IsAiHandled, x.Language });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "AssigneeId", "LastMessageAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt_Id",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "LastMessageAt", "Id" });

            // Folder counts: kept exact by triggers in the same transaction as every change of a conversation. A change
            // moves one count down and another up, always in key order, so two transfers crossing each other never deadlock.
            migrationBuilder.Sql($"""
                {CountsKey.Backfill};

                CREATE FUNCTION parley_count_conversation(c "Conversations", delta integer) RETURNS void LANGUAGE sql AS $$
                  INSERT INTO "ConversationCounts" ("CompanyId", "Folder", "AssigneeId", "ChannelType", "IsAiHandled", "Language", "Count")
                  VALUES (c."CompanyId", c."Folder", COALESCE(c."AssigneeId", '00000000-0000-0000-0000-000000000000'), c."ChannelType", c."IsAiHandled", COALESCE(c."Language", ''), delta)
                  ON CONFLICT ("CompanyId", "AssigneeId", "Folder", "ChannelType", "IsAiHandled", "Language")
                  DO UPDATE SET "Count" = "ConversationCounts"."Count" + delta;
                $$;

                CREATE FUNCTION parley_conversation_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                    PERFORM parley_count_conversation(NEW, 1);
                  ELSIF TG_OP = 'DELETE' THEN
                    PERFORM parley_count_conversation(OLD, -1);
                  ELSIF (OLD."CompanyId", COALESCE(OLD."AssigneeId", '00000000-0000-0000-0000-000000000000'), OLD."Folder", OLD."ChannelType", OLD."IsAiHandled", COALESCE(OLD."Language", ''))
                      < (NEW."CompanyId", COALESCE(NEW."AssigneeId", '00000000-0000-0000-0000-000000000000'), NEW."Folder", NEW."ChannelType", NEW."IsAiHandled", COALESCE(NEW."Language", '')) THEN
                    PERFORM parley_count_conversation(OLD, -1);
                    PERFORM parley_count_conversation(NEW, 1);
                  ELSE
                    PERFORM parley_count_conversation(NEW, 1);
                    PERFORM parley_count_conversation(OLD, -1);
                  END IF;
                  RETURN NULL;
                END $$;

                CREATE TRIGGER "ConversationCounts_InsertDelete" AFTER INSERT OR DELETE ON "Conversations"
                  FOR EACH ROW EXECUTE FUNCTION parley_conversation_counts();
                CREATE TRIGGER "ConversationCounts_Update" AFTER UPDATE OF "CompanyId", "Folder", "AssigneeId", "ChannelType", "IsAiHandled", "Language" ON "Conversations"
                  FOR EACH ROW WHEN ((OLD."CompanyId", OLD."Folder", OLD."AssigneeId", OLD."ChannelType", OLD."IsAiHandled", OLD."Language")
                    IS DISTINCT FROM (NEW."CompanyId", NEW."Folder", NEW."AssigneeId", NEW."ChannelType", NEW."IsAiHandled", NEW."Language"))
                  EXECUTE FUNCTION parley_conversation_counts();
                """);

            // Search: trigram indexes serve ILIKE '%text%' in any language without reading every message.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm");
            migrationBuilder.Sql("""CREATE INDEX "IX_Messages_Text_Trigram" ON "Messages" USING gin ("Text" gin_trgm_ops)""");
            migrationBuilder.Sql("""
                CREATE INDEX "IX_Clients_Search_Trigram" ON "Clients" USING gin
                  ("Name" gin_trgm_ops, "Username" gin_trgm_ops, "Email" gin_trgm_ops, "Phone" gin_trgm_ops)
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Messages_Text_Trigram"; DROP INDEX "IX_Clients_Search_Trigram";""");
            migrationBuilder.Sql("""
                DROP TRIGGER "ConversationCounts_InsertDelete" ON "Conversations";
                DROP TRIGGER "ConversationCounts_Update" ON "Conversations";
                DROP FUNCTION parley_conversation_counts();
                DROP FUNCTION parley_count_conversation("Conversations", integer);
                """);

            migrationBuilder.DropTable(
                name: "ConversationCounts");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt_Id",
                table: "Conversations");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "AssigneeId", "LastMessageAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "LastMessageAt" });
        }
    }

    /// <summary>
    /// The counter rows recounted from the conversations themselves: the migration fills the table with it, and the bench's
    /// seeding (which loads with the triggers off) rebuilds the counts with the very same statement.
    /// </summary>
    public static class CountsKey
    {
        public const string Backfill = """
            INSERT INTO "ConversationCounts" ("CompanyId", "Folder", "AssigneeId", "ChannelType", "IsAiHandled", "Language", "Count")
            SELECT "CompanyId", "Folder", COALESCE("AssigneeId", '00000000-0000-0000-0000-000000000000'), "ChannelType", "IsAiHandled", COALESCE("Language", ''), COUNT(*)
            FROM "Conversations" GROUP BY 1, 2, 3, 4, 5, 6
            """;
    }
}
