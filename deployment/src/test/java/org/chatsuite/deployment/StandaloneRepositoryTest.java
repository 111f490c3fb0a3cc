package org.chatsuite.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone of the repository has nothing beside it, so nothing in it may point outside it (least of all
 * at the folder of the API contract next to the working copy), every relative Markdown link must reach a
 * file, and a heading when it names one, and a Markdown file that source code names must exist at that
 * path from the repository root.
 */
class StandaloneRepositoryTest {

    /** Spelled in two parts so that this file, which must name it, does not contain it. */
    private static final String CONTRACT_FOLDER = "../" + "shared";
    /** This file is not scanned: its fixtures are broken on purpose. */
    private static final String SELF = "deployment/src/test/java/org/chatsuite/deployment/StandaloneRepositoryTest.java";
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules", ".data");

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~)");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+).*?\\1");
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*<?([^\\s>]+)>?");
    private static final Pattern HTML_LINK = Pattern.compile("(?:src|href)\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.+?)\\s*#*\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("(?:id|name)\\s*=\\s*\"([^\"]+)\"");
    /** A Markdown file named in source code, optionally with a section: {@code docs/API.md#gateway}. */
    private static final Pattern MARKDOWN_NAME = Pattern.compile("(?<![\\w./:-])([\\w./-]*\\w\\.md)(?:#([\\w-]+))?(?![\\w-])");

    @Test
    void nothingPointsOutsideTheRepositoryOrAtAMissingFile() {
        assertThat(new Scan(Repo.root()).problems()).as("broken references (file:line: problem)").isEmpty();
    }

    @Test
    void everyKindOfBrokenReferenceIsReported(@TempDir Path repo) {
        write(repo, "README.md", """
                # The Title
                [contract](../shared/API.md), [docs](docs/API.md#a-section) and [here](#the-title)
                [gone](docs/gone.md), [no section](docs/API.md#nothing), ![picture](docs/picture.png)
                [web](https://example.com/x.md), `[code](nowhere.md)`, <a href="docs/old.html">old</a>
                ```
                [fenced](nowhere.md)
                ```
                [ref]: docs/ref-gone.md
                """);
        write(repo, "docs/API.md", "## A section\n[up](../README.md#the-title), [up again](/README.md)\n");
        write(repo, "docs/picture.png", "not really a picture");
        write(repo, "src/Main.java", """
                // See API.md §6, docs/API.md#a-section and docs/API.md#old-section.
                // https://example.com/blob/main/OTHER.md is a web address. Contract: ../shared
                """);
        assertThat(new Scan(repo).problems()).containsExactlyInAnyOrder(
                "README.md:2: " + CONTRACT_FOLDER + ": a clone has nothing beside the repository",
                "README.md:2: link " + CONTRACT_FOLDER + "/API.md: outside the repository",
                "README.md:3: link docs/gone.md: no such file",
                "README.md:3: link docs/API.md#nothing: no heading #nothing in docs/API.md",
                "README.md:4: link docs/old.html: no such file",
                "README.md:8: link docs/ref-gone.md: no such file",
                "src/Main.java:1: API.md: no such file (name it by its path from the repository root)",
                "src/Main.java:1: docs/API.md#old-section: no heading #old-section in docs/API.md",
                "src/Main.java:2: " + CONTRACT_FOLDER + ": a clone has nothing beside the repository");
    }

    @Test
    void headingsGetGitHubAnchors() {
        assertThat(Scan.anchors(List.of("## chat-service: `/api/chat/`", "### `POST /api/chat/conversations/{id}/read/`",
                "## Limits and paging", "## Limits and paging", "```", "# not a heading", "```", "<a id=\"custom\"></a>")))
                .containsExactlyInAnyOrder("chat-service-apichat", "post-apichatconversationsidread", "limits-and-paging",
                        "limits-and-paging-1", "custom");
    }

    /** One pass over every text file of a repository. */
    private static final class Scan {

        private final Path root;
        private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        private final List<String> problems = new ArrayList<>();

        Scan(Path root) {
            try {
                this.root = root.toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<String> problems() {
            for (Path file : textFiles()) {
                String name = root.relativize(file).toString().replace('\\', '/');
                List<String> lines = read(file);
                boolean markdown = name.endsWith(".md");
                boolean fenced = false;
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    String where = name + ":" + (i + 1) + ": ";
                    if (line.contains(CONTRACT_FOLDER)) {
                        problems.add(where + CONTRACT_FOLDER + ": a clone has nothing beside the repository");
                    }
                    if (!markdown) {
                        checkNamedMarkdown(file, line, where);
                    } else if (FENCE.matcher(line).lookingAt()) {
                        fenced = !fenced;
                    } else if (!fenced) {
                        for (String target : linkTargets(line)) {
                            brokenLink(file, target).ifPresent(why -> problems.add(where + "link " + target + ": " + why));
                        }
                    }
                }
            }
            return problems;
        }

        private List<Path> textFiles() {
            List<Path> files = new ArrayList<>();
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return SKIPPED_DIRECTORIES.contains(dir.getFileName().toString()) && !dir.equals(root)
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        if (attrs.isRegularFile() && !file.equals(root.resolve(SELF)) && isText(file, attrs)) {
                            files.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            files.sort(null);
            return files;
        }

        /** Small files without NUL bytes; images, archives and the like are left out. */
        private static boolean isText(Path file, BasicFileAttributes attrs) throws IOException {
            if (attrs.size() > 2_000_000) {
                return false;
            }
            for (byte b : Files.readAllBytes(file)) {
                if (b == 0) {
                    return false;
                }
            }
            return true;
        }

        private static List<String> linkTargets(String line) {
            String text = INLINE_CODE.matcher(line).replaceAll(" ");
            List<String> targets = new ArrayList<>();
            for (Pattern pattern : List.of(LINK, REFERENCE, HTML_LINK)) {
                Matcher m = pattern.matcher(text);
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
            return targets;
        }

        /** Why a Markdown link target is broken, or empty when it resolves (web addresses are not followed). */
        private Optional<String> brokenLink(Path from, String target) {
            if (SCHEME.matcher(target).lookingAt() || target.startsWith("//")) {
                return Optional.empty();
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            String section = hash < 0 ? "" : target.substring(hash + 1);
            Path resolved = path.isEmpty() ? from
                    : path.startsWith("/") ? root.resolve(path.substring(1)) : from.getParent().resolve(path);
            return whyUnresolved(resolved.normalize(), section);
        }

        /** A Markdown file named in code must exist from the repository root (or beside the file). */
        private void checkNamedMarkdown(Path file, String line, String where) {
            Matcher m = MARKDOWN_NAME.matcher(line);
            while (m.find()) {
                String name = m.group(1);
                String section = m.group(2) == null ? "" : m.group(2);
                Path fromRoot = root.resolve(name).normalize();
                Path besideFile = file.getParent().resolve(name).normalize();
                Optional<Path> found = List.of(fromRoot, besideFile).stream()
                        .filter(p -> p.startsWith(root) && Files.isRegularFile(p)).findFirst();
                String problem = found.isEmpty() ? "no such file (name it by its path from the repository root)"
                        : whyUnresolved(found.get(), section).orElse(null);
                if (problem != null) {
                    problems.add(where + m.group() + ": " + problem);
                }
            }
        }

        private Optional<String> whyUnresolved(Path target, String section) {
            if (!target.startsWith(root)) {
                return Optional.of("outside the repository");
            }
            if (!Files.exists(target)) {
                return Optional.of("no such file");
            }
            if (!section.isEmpty() && target.toString().endsWith(".md")
                    && !anchorsOf(target).contains(section.toLowerCase(Locale.ROOT))) {
                return Optional.of("no heading #" + section + " in " + root.relativize(target).toString().replace('\\', '/'));
            }
            return Optional.empty();
        }

        private Set<String> anchorsOf(Path markdown) {
            return anchorsByFile.computeIfAbsent(markdown, file -> anchors(read(file)));
        }

        /** The anchors GitHub gives a Markdown file's headings (and explicit HTML ids). */
        static Set<String> anchors(List<String> lines) {
            Set<String> anchors = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean fenced = false;
            for (String line : lines) {
                if (FENCE.matcher(line).lookingAt()) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                Matcher html = HTML_ANCHOR.matcher(line);
                while (html.find()) {
                    anchors.add(html.group(1).toLowerCase(Locale.ROOT));
                }
                Matcher heading = HEADING.matcher(line);
                if (heading.matches()) {
                    String slug = heading.group(1)
                            .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1") // a link counts by its text
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
                            .replace(' ', '-');
                    int count = seen.merge(slug, 1, Integer::sum);
                    anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
                }
            }
            return anchors;
        }

        private static List<String> read(Path file) {
            try {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void write(Path root, String relative, String content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
