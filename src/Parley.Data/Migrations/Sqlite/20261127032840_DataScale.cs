using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
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
                    CompanyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AssigneeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChannelType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IsAiHandled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
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

            // Folder counts: kept exact by triggers in the same transaction as every change of a conversation.
            migrationBuilder.Sql(CountsKey.Backfill);
            migrationBuilder.Sql($"""
                CREATE TRIGGER ConversationCounts_Insert AFTER INSERT ON Conversations BEGIN
                  {CountsKey.Add("NEW", 1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER ConversationCounts_Delete AFTER DELETE ON Conversations BEGIN
                  {CountsKey.Add("OLD", -1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER ConversationCounts_Update AFTER UPDATE OF CompanyId, Folder, AssigneeId, ChannelType, IsAiHandled, Language ON Conversations
                WHEN OLD.CompanyId IS NOT NEW.CompanyId OR OLD.Folder IS NOT NEW.Folder OR OLD.AssigneeId IS NOT NEW.AssigneeId
                  OR OLD.ChannelType IS NOT NEW.ChannelType OR OLD.IsAiHandled IS NOT NEW.IsAiHandled OR OLD.Language IS NOT NEW.Language
                BEGIN
                  {CountsKey.Add("OLD", -1)}
                  {CountsKey.Add("NEW", 1)}
                END;
                """);

            // Search: trigram full-text indexes find any substring of 3+ characters in any language, case-folded, without
            // reading every message. External content: the index keeps no second copy of the texts.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE MessageSearch USING fts5(Text, content='Messages', tokenize='trigram')");
            migrationBuilder.Sql("INSERT INTO MessageSearch(MessageSearch) VALUES ('rebuild')");
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Insert AFTER INSERT ON Messages BEGIN
                  INSERT INTO MessageSearch (rowid, Text) VALUES (NEW.rowid, NEW.Text);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Delete AFTER DELETE ON Messages BEGIN
                  INSERT INTO MessageSearch (MessageSearch, rowid, Text) VALUES ('delete', OLD.rowid, OLD.Text);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Update AFTER UPDATE OF Text ON Messages BEGIN
                  INSERT INTO MessageSearch (MessageSearch, rowid, Text) VALUES ('delete', OLD.rowid, OLD.Text);
                  INSERT INTO MessageSearch (rowid, Text) VALUES (NEW.rowid, NEW.Text);
                END;
                """);
            migrationBuilder.Sql("CREATE VIRTUAL TABLE ClientSearch USING fts5(Name, Username, Email, Phone, content='Clients', tokenize='trigram')");
            migrationBuilder.Sql("INSERT INTO ClientSearch(ClientSearch) VALUES ('rebuild')");
            migrationBuilder.Sql("""
                CREATE TRIGGER ClientSearch_Insert AFTER INSERT ON Clients BEGIN
                  INSERT INTO ClientSearch (rowid, Name, Username, Email, Phone) VALUES (NEW.rowid, NEW.Name, NEW.Username, NEW.Email, NEW.Phone);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ClientSearch_Delete AFTER DELETE ON Clients BEGIN
                  INSERT INTO ClientSearch (ClientSearch, rowid, Name, Username, Email, Phone) VALUES ('delete', OLD.rowid, OLD.Name, OLD.Username, OLD.Email, OLD.Phone);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ClientSearch_Update AFTER UPDATE OF Name, Username, Email, Phone ON Clients BEGIN
                  INSERT INTO ClientSearch (ClientSearch, rowid, Name, Username, Email, Phone) VALUES ('delete', OLD.rowid, OLD.Name, OLD.Username, OLD.Email, OLD.Phone);
                  INSERT INTO ClientSearch (rowid, Name, Username, Email, Phone) VALUES (NEW.rowid, NEW.Name, NEW.Username, NEW.Email, NEW.Phone);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "ConversationCounts_Insert", "ConversationCounts_Delete", "ConversationCounts_Update", "MessageSearch_Insert",
                         "MessageSearch_Delete", "MessageSearch_Update", "ClientSearch_Insert", "ClientSearch_Delete", "ClientSearch_Update" })
                migrationBuilder.Sql($"DROP TRIGGER {trigger}");
            migrationBuilder.Sql("DROP TABLE MessageSearch");
            migrationBuilder.Sql("DROP TABLE ClientSearch");

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
    /// The counter row of one conversation (OLD or NEW in a trigger), the statement that moves it by one, and the backfill
    /// that recounts them all (also run by the bench's seeding, which loads with the triggers off).
    /// </summary>
    public static class CountsKey
    {
        private const string Columns = "CompanyId, Folder, AssigneeId, ChannelType, IsAiHandled, Language";

        private static string Values(string row) =>
            $"{row}.CompanyId, {row}.Folder, COALESCE({row}.AssigneeId, '00000000-0000-0000-0000-000000000000'), {row}.ChannelType, {row}.IsAiHandled, COALESCE({row}.Language, '')";

        public static string Add(string row, int delta) =>
            $"INSERT INTO ConversationCounts ({Columns}, Count) VALUES ({Values(row)}, {delta}) ON CONFLICT ({Columns}) DO UPDATE SET Count = Count + {delta};";

        public static readonly string Backfill =
            $"INSERT INTO ConversationCounts ({Columns}, Count) SELECT {Values("c")}, COUNT(*) FROM Conversations c GROUP BY {Values("c")}";
    }
}
