using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
{
    /// <summary>
    /// A block-range (BRIN) index of the messages' conversation: an owner's search for a common text lists the matches of
    /// the newest conversations only (ConversationSearch), and with this index PostgreSQL reads just the table's last
    /// blocks for them, a few dozen index entries. The conversation's B-tree index gave that range too, but only when the
    /// planner expected many matches: for some cities it estimated 632 and read all 70,000 candidates instead (1.2 s at
    /// 1 M conversations against 0.2 s). Messages are appended and conversation ids are made in time order, so a block
    /// range's conversations are close together; new ranges are summarized by autovacuum as they fill.
    /// </summary>
    public partial class ConversationWindowIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE INDEX "IX_Messages_ConversationId_Brin" ON "Messages" USING brin ("ConversationId") WITH (autosummarize = on)""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Messages_ConversationId_Brin";""");
        }
    }
}
