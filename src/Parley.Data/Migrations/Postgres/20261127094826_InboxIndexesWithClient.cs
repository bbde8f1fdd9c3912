using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InboxIndexesWithClient : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt_Id",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_ClientTags_TagId",
                table: "ClientTags");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id_~",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "AssigneeId", "LastMessageAt", "Id", "ClientId" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt_Id_ClientId",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "LastMessageAt", "Id", "ClientId" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientTags_TagId_ClientId",
                table: "ClientTags",
                columns: new[] { "TagId", "ClientId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id_~",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt_Id_ClientId",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_ClientTags_TagId_ClientId",
                table: "ClientTags");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "AssigneeId", "LastMessageAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_CompanyId_Folder_LastMessageAt_Id",
                table: "Conversations",
                columns: new[] { "CompanyId", "Folder", "LastMessageAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientTags_TagId",
                table: "ClientTags",
                column: "TagId");
        }
    }
}
