package io.snapdelta.codec;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Optional;

/**
 * Dictionaries as files {@code <dir>/<id as 8 hex digits>.zdict} holding the raw dictionary bytes. A
 * publish writes a temporary file and moves it into place atomically, so a reader never sees half a
 * dictionary; an existing file is compared, never overwritten. A fetch checks the bytes against the id.
 */
public final class FileDictionaryStore implements DictionaryStore {
    public static final String SUFFIX = ".zdict";

    private final Path dir;

    public FileDictionaryStore(Path dir) {
        this.dir = dir;
    }

    public Path pathOf(int id) {
        return dir.resolve(CompressionDictionary.idHex(id) + SUFFIX);
    }

    @Override
    public void publish(CompressionDictionary dictionary) throws IOException {
        Files.createDirectories(dir);
        Path target = pathOf(dictionary.id());
        if (Files.exists(target)) {
            checkSame(target, dictionary);
            return;
        }
        Path tmp = Files.createTempFile(dir, CompressionDictionary.idHex(dictionary.id()) + "-", ".tmp");
        try {
            Files.write(tmp, dictionary.bytes());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot publish " + dictionary + ": " + dir + " does not support atomic renames", e);
            } catch (FileAlreadyExistsException e) {
                checkSame(target, dictionary);
            }
            if (!Files.exists(target)) {
                throw new IOException("published " + target + " but it is not there");
            }
            checkSame(target, dictionary);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void checkSame(Path target, CompressionDictionary dictionary) throws IOException {
        if (!Arrays.equals(Files.readAllBytes(target), dictionary.bytes())) {
            throw new IllegalStateException(target + " already holds different bytes than " + dictionary);
        }
    }

    @Override
    public Optional<CompressionDictionary> fetch(int id) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pathOf(id));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        CompressionDictionary d = CompressionDictionary.of(bytes);
        if (d.id() != id) {
            throw new IOException(pathOf(id) + " is damaged: its bytes hash to id " + CompressionDictionary.idHex(d.id()));
        }
        return Optional.of(d);
    }
}
