using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
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
                    CompanyId = table.Column<Guid>(type: "uuid", nullable: false),
                    TagId = table.Column<Guid>(type: "uuid", nullable: false),
                    Folder = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    AssigneeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TagCounts", x => new { x.CompanyId, x.TagId, x.AssigneeId, x.Folder });
                });

            // A tag's folder counts: kept exact by triggers in the same transaction as every change of a conversation (its
            // client's tags move with it) and of a client's tag (the client's conversations move with it). A message only
            // touches LastMessageAt and the like, which none of these triggers watch. Each change moves its rows in one
            // statement, netted and in key order, so two changes crossing each other never deadlock.
            migrationBuilder.Sql($"""
                {TagCountsKey.Backfill};

                CREATE FUNCTION parley_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO "TagCounts" ("CompanyId", "TagId", "AssigneeId", "Folder", "Count")
                  SELECT d.company, t."TagId", d.assignee, d.folder, SUM(d.delta)
                  FROM (
                    SELECT OLD."CompanyId", OLD."ClientId", COALESCE(OLD."AssigneeId", '00000000-0000-0000-0000-000000000000'), OLD."Folder", -1
                    WHERE TG_OP IN ('UPDATE', 'DELETE')
                    UNION ALL
                    SELECT NEW."CompanyId", NEW."ClientId", COALESCE(NEW."AssigneeId", '00000000-0000-0000-0000-000000000000'), NEW."Folder", 1
                    WHERE TG_OP IN ('UPDATE', 'INSERT')
                  ) AS d (company, client, assignee, folder, delta)
                  JOIN "ClientTags" t ON t."ClientId" = d.client
                  GROUP BY 1, 2, 3, 4
                  ORDER BY 1, 2, 3, 4
                  ON CONFLICT ("CompanyId", "TagId", "AssigneeId", "Folder") DO UPDATE SET "Count" = "TagCounts"."Count" + EXCLUDED."Count";
                  RETURN NULL;
                END $$;

                CREATE FUNCTION parley_client_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO "TagCounts" ("CompanyId", "TagId", "AssigneeId", "Folder", "Count")
                  SELECT c."CompanyId", d.tag, COALESCE(c."AssigneeId", '00000000-0000-0000-0000-000000000000'), c."Folder", SUM(d.delta)
                  FROM (
                    SELECT OLD."ClientId", OLD."TagId", -1 WHERE TG_OP IN ('UPDATE', 'DELETE')
                    UNION ALL
                    SELECT NEW."ClientId", NEW."TagId", 1 WHERE TG_OP IN ('UPDATE', 'INSERT')
                  ) AS d (client, tag, delta)
                  JOIN "Conversations" c ON c."ClientId" = d.client
                  GROUP BY 1, 2, 3, 4
                  ORDER BY 1, 2, 3, 4
                  ON CONFLICT ("CompanyId", "TagId", "AssigneeId", "Folder") DO UPDATE SET "Count" = "TagCounts"."Count" + EXCLUDED."Count";
                  RETURN NULL;
                END $$;

                CREATE TRIGGER "TagCounts_InsertDelete" AFTER INSERT OR DELETE ON "Conversations"
                  FOR EACH ROW EXECUTE FUNCTION parley_tag_counts();
                CREATE TRIGGER "TagCounts_Update" AFTER UPDATE OF "CompanyId", "ClientId", "Folder", "AssigneeId" ON "Conversations"
                  FOR EACH ROW WHEN ((OLD."CompanyId", OLD."ClientId", OLD."Folder", OLD."AssigneeId")
                    IS DISTINCT FROM (NEW."CompanyId", NEW."ClientId", NEW."Folder", NEW."AssigneeId"))
                  EXECUTE FUNCTION parley_tag_counts();
                CREATE TRIGGER "TagCounts_ClientTags" AFTER INSERT OR DELETE OR UPDATE ON "ClientTags"
                  FOR EACH ROW EXECUTE FUNCTION parley_client_tag_counts();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "TagCounts_InsertDelete" ON "Conversations";
                DROP TRIGGER "TagCounts_Update" ON "Conversations";
                DROP TRIGGER "TagCounts_ClientTags" ON "ClientTags";
                DROP FUNCTION parley_tag_counts();
                DROP FUNCTION parley_client_tag_counts();
                """);
            migrationBuilder.DropTable(
                name: "TagCounts");
        }
    }

    /// <summary>
    /// The tag counter rows recounted from the conversations and the clients' tags: the migration fills the table with it,
    /// and the bench's seeding (which loads with the triggers off) rebuilds the counts with the very same statement.
    /// </summary>
    public static class TagCountsKey
    {
        public const string Backfill = """
            INSERT INTO "TagCounts" ("CompanyId", "TagId", "AssigneeId", "Folder", "Count")
            SELECT c."CompanyId", t."TagId", COALESCE(c."AssigneeId", '00000000-0000-0000-0000-000000000000'), c."Folder", COUNT(*)
            FROM "ClientTags" t JOIN "Conversations" c ON c."ClientId" = t."ClientId" GROUP BY 1, 2, 3, 4
            """;
    }
}
