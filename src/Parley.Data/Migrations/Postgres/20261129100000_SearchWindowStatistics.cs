using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
{
    /// <summary>
    /// A common text's window of the newest conversations (ConversationSearch) is read with the conversation's B-tree index
    /// instead of the block-range index, and the planner is given what it needs to choose that.
    /// <list type="bullet">
    /// <item>The block-range index (<c>IX_Messages_ConversationId_Brin</c>, <c>ConversationWindowIndex</c>) is dropped. Its
    /// bitmap is per block, and PostgreSQL keeps an intersection lossy when its first bitmap is: the window's blocks were
    /// read whole and every message in them was matched again by <c>ILIKE</c>, 83,538 messages for "Київ" at 1 M
    /// conversations (0.25–0.40 s for a city's window). For the conversations below the window it was worse: 1.7 M
    /// messages, 5.4 s for "Харків". The B-tree's bitmap is exact, and the window then reads only the ~3,200 candidates in
    /// it: 0.07–0.19 s.</item>
    /// <item>The planner takes the B-tree range only when it expects many matches, and it estimates a pattern's matches
    /// from the column's histogram. With the default 100 entries some cities were estimated at 632 rows and all 70,000
    /// candidates read (0.7–0.8 s). With 400 entries every city of the bench's 50 was estimated high enough; 1,000 did the
    /// same at 6–11 ms of planning for each search statement, against 3–5 ms for 400. ANALYZE here so that an existing
    /// database does not wait for autovacuum to gather them (3–6 s at 9.5 M messages).</item>
    /// </list>
    /// </summary>
    public partial class SearchWindowStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX "IX_Messages_ConversationId_Brin";
                ALTER TABLE "Messages" ALTER COLUMN "Text" SET STATISTICS 400;
                ANALYZE "Messages";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "Messages" ALTER COLUMN "Text" SET STATISTICS -1;
                CREATE INDEX "IX_Messages_ConversationId_Brin" ON "Messages" USING brin ("ConversationId") WITH (autosummarize = on);
                """);
        }
    }
}
