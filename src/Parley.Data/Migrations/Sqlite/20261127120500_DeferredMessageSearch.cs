using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Parley.Data.Migrations.Sqlite
{
    /// <summary>
    /// A new message is no longer put into the trigram index by its own insert: the insert queues its rowid in
    /// <c>MessageSearchQueue</c>, and the queue is indexed in batches (by a search before it reads the index, and in the
    /// background; see <c>SqliteSearchIndexer</c>). FTS5 writes a segment per transaction, which made indexing a message
    /// on its own cost about 190 µs inside the one write lock, against about 10 µs a message in batches.
    /// An edit or a deletion of a message still in the queue leaves the index alone (the queue reads the text when it is
    /// indexed; a deleted message leaves the queue); one already indexed is changed in the index at once, as before.
    /// </summary>
    public partial class DeferredMessageSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE TABLE MessageSearchQueue (MessageRowid INTEGER PRIMARY KEY)");
            migrationBuilder.Sql("DROP TRIGGER MessageSearch_Insert");
            migrationBuilder.Sql("DROP TRIGGER MessageSearch_Delete");
            migrationBuilder.Sql("DROP TRIGGER MessageSearch_Update");
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Insert AFTER INSERT ON Messages BEGIN
                  INSERT INTO MessageSearchQueue (MessageRowid) VALUES (NEW.rowid);
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Delete AFTER DELETE ON Messages BEGIN
                  INSERT INTO MessageSearch (MessageSearch, rowid, Text) SELECT 'delete', OLD.rowid, OLD.Text
                  WHERE NOT EXISTS (SELECT 1 FROM MessageSearchQueue WHERE MessageRowid = OLD.rowid);
                  DELETE FROM MessageSearchQueue WHERE MessageRowid = OLD.rowid;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER MessageSearch_Update AFTER UPDATE OF Text ON Messages
                WHEN NOT EXISTS (SELECT 1 FROM MessageSearchQueue WHERE MessageRowid = OLD.rowid)
                BEGIN
                  INSERT INTO MessageSearch (MessageSearch, rowid, Text) VALUES ('delete', OLD.rowid, OLD.Text);
                  INSERT INTO MessageSearch (rowid, Text) VALUES (NEW.rowid, NEW.Text);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                INSERT INTO MessageSearch (rowid, Text)
                SELECT m.rowid, m.Text FROM MessageSearchQueue q JOIN Messages m ON m.rowid = q.MessageRowid
                """);
            migrationBuilder.Sql("DROP TRIGGER MessageSearch_Insert");
            migrationBuilder.Sql("DROP TRIGGER MessageSearch_Delete");
            migrationBuilder.Sql("DROP TRIGGER MessageSearch_Update");
            migrationBuilder.Sql("DROP TABLE MessageSearchQueue");
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
        }
    }
}
