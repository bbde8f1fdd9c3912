using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TagCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TagCounts",
                columns: table => new
                {
                    CompanyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TagId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AssigneeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TagCounts", x => new { x.CompanyId, x.TagId, x.AssigneeId, x.Folder });
                });

            // A tag's folder counts: kept exact by triggers in the same transaction as every change of a conversation (its
            // client's tags move with it) and of a client's tag (the client's conversations move with it). A message only
            // touches LastMessageAt and the like, which none of these triggers watch.
            migrationBuilder.Sql(TagCountsKey.Backfill);
            migrationBuilder.Sql($"""
                CREATE TRIGGER TagCounts_Insert AFTER INSERT ON Conversations BEGIN
                  {TagCountsKey.AddConversation("NEW", 1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER TagCounts_Delete AFTER DELETE ON Conversations BEGIN
                  {TagCountsKey.AddConversation("OLD", -1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER TagCounts_Update AFTER UPDATE OF CompanyId, ClientId, Folder, AssigneeId ON Conversations
                WHEN OLD.CompanyId IS NOT NEW.CompanyId OR OLD.ClientId IS NOT NEW.ClientId OR OLD.Folder IS NOT NEW.Folder OR OLD.AssigneeId IS NOT NEW.AssigneeId
                BEGIN
                  {TagCountsKey.AddConversation("OLD", -1)}
                  {TagCountsKey.AddConversation("NEW", 1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER TagCounts_ClientTagInsert AFTER INSERT ON ClientTags BEGIN
                  {TagCountsKey.AddClientTag("NEW", 1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER TagCounts_ClientTagDelete AFTER DELETE ON ClientTags BEGIN
                  {TagCountsKey.AddClientTag("OLD", -1)}
                END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER TagCounts_ClientTagUpdate AFTER UPDATE ON ClientTags BEGIN
                  {TagCountsKey.AddClientTag("OLD", -1)}
                  {TagCountsKey.AddClientTag("NEW", 1)}
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var trigger in new[] { "TagCounts_Insert", "TagCounts_Delete", "TagCounts_Update", "TagCounts_ClientTagInsert",
                         "TagCounts_ClientTagDelete", "TagCounts_ClientTagUpdate" })
                migrationBuilder.Sql($"DROP TRIGGER {trigger}");
            migrationBuilder.DropTable(
                name: "TagCounts");
        }
    }

    /// <summary>
    /// The tag counter rows of one conversation (OLD or NEW in a trigger: one per tag of its client) or of one client's tag
    /// (one per folder and assignee of the client's conversations), the statements that move them, and the backfill that
    /// recounts them all (also run by the bench's seeding, which loads with the triggers off).
    /// </summary>
    public static class TagCountsKey
    {
        private const string Columns = "CompanyId, TagId, AssigneeId, Folder";
        private const string Unassigned = "'00000000-0000-0000-0000-000000000000'";

        public static string AddConversation(string row, int delta) =>
            $"INSERT INTO TagCounts ({Columns}, Count) SELECT {row}.CompanyId, t.TagId, COALESCE({row}.AssigneeId, {Unassigned}), {row}.Folder, {delta} " +
            $"FROM ClientTags t WHERE t.ClientId = {row}.ClientId ON CONFLICT ({Columns}) DO UPDATE SET Count = Count + {delta};";

        public static string AddClientTag(string row, int sign) =>
            $"INSERT INTO TagCounts ({Columns}, Count) SELECT c.CompanyId, {row}.TagId, COALESCE(c.AssigneeId, {Unassigned}), c.Folder, {sign} * COUNT(*) " +
            $"FROM Conversations c WHERE c.ClientId = {row}.ClientId GROUP BY 1, 2, 3, 4 ON CONFLICT ({Columns}) DO UPDATE SET Count = Count + excluded.Count;";

        public static readonly string Backfill =
            $"INSERT INTO TagCounts ({Columns}, Count) SELECT c.CompanyId, t.TagId, COALESCE(c.AssigneeId, {Unassigned}), c.Folder, COUNT(*) " +
            "FROM ClientTags t JOIN Conversations c ON c.ClientId = t.ClientId GROUP BY 1, 2, 3, 4";
    }
}
