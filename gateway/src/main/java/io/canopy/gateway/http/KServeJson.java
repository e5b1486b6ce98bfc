package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelInferResponse.InferOutputTensor;
import io.canopy.proto.kserve.v2.ModelMetadataResponse;
import io.canopy.proto.kserve.v2.ModelMetadataResponse.TensorMetadata;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes KServe v2 gRPC responses as Open Inference Protocol REST JSON. */
final class KServeJson {

  private KServeJson() {}

  static void writeInfer(JsonGenerator g, ModelInferResponse r) throws IOException {
    g.writeStartObject();
    g.writeStringField("model_name", r.getModelName());
    g.writeStringField("model_version", r.getModelVersion());
    if (!r.getId().isEmpty()) {
      g.writeStringField("id", r.getId());
    }
    writeParameters(g, r.getParametersMap());
    g.writeArrayFieldStart("outputs");
    for (int i = 0; i < r.getOutputsCount(); i++) {
      InferOutputTensor output = r.getOutputs(i);
      g.writeStartObject();
      g.writeStringField("name", output.getName());
      g.writeStringField("datatype", output.getDatatype());
      g.writeArrayFieldStart("shape");
      for (long dim : output.getShapeList()) {
        g.writeNumber(dim);
      }
      g.writeEndArray();
      writeParameters(g, output.getParametersMap());
      g.writeFieldName("data");
      if (i < r.getRawOutputContentsCount()) {
        writeRaw(g, output.getDatatype(), r.getRawOutputContents(i));
      } else {
        writeContents(g, output.getContents());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  static void writeMetadata(JsonGenerator g, ModelMetadataResponse r) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", r.getName());
    g.writeArrayFieldStart("versions");
    for (String version : r.getVersionsList()) {
      g.writeString(version);
    }
    g.writeEndArray();
    g.writeStringField("platform", r.getPlatform());
    writeTensors(g, "inputs", r);
    writeTensors(g, "outputs", r);
    g.writeEndObject();
  }

  private static void writeTensors(JsonGenerator g, String field, ModelMetadataResponse r)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorMetadata t : field.equals("inputs") ? r.getInputsList() : r.getOutputsList()) {
      g.writeStartObject();
      g.writeStringField("name", t.getName());
      g.writeStringField("datatype", t.getDatatype());
      g.writeArrayFieldStart("shape");
      for (long dim : t.getShapeList()) {
        g.writeNumber(dim);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** Writes whichever typed contents list the tensor carries, flat and row-major. */
  private static void writeContents(JsonGenerator g, InferTensorContents c) throws IOException {
    g.writeStartArray();
    for (int i = 0; i < c.getFp32ContentsCount(); i++) {
      JsonReplies.writeFloat(g, c.getFp32Contents(i));
    }
    for (int i = 0; i < c.getFp64ContentsCount(); i++) {
      double v = c.getFp64Contents(i);
      if (Double.isFinite(v)) {
        g.writeNumber(v);
      } else {
        g.writeNull();
      }
    }
    for (int i = 0; i < c.getIntContentsCount(); i++) {
      g.writeNumber(c.getIntContents(i));
    }
    for (int i = 0; i < c.getInt64ContentsCount(); i++) {
      g.writeNumber(c.getInt64Contents(i));
    }
    for (int i = 0; i < c.getUintContentsCount(); i++) {
      g.writeNumber(Integer.toUnsignedLong(c.getUintContents(i)));
    }
    for (int i = 0; i < c.getUint64ContentsCount(); i++) {
      g.writeNumber(new BigInteger(Long.toUnsignedString(c.getUint64Contents(i))));
    }
    for (int i = 0; i < c.getBoolContentsCount(); i++) {
      g.writeBoolean(c.getBoolContents(i));
    }
    for (int i = 0; i < c.getBytesContentsCount(); i++) {
      g.writeString(c.getBytesContents(i).toString(StandardCharsets.UTF_8));
    }
    g.writeEndArray();
  }

  /** Decodes little-endian raw output bytes of the numeric types serving produces. */
  private static void writeRaw(JsonGenerator g, String datatype, ByteString raw)
      throws IOException {
    ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    g.writeStartArray();
    switch (datatype) {
      case "FP32" -> {
        while (b.remaining() >= Float.BYTES) {
          JsonReplies.writeFloat(g, b.getFloat());
        }
      }
      case "FP64" -> {
        while (b.remaining() >= Double.BYTES) {
          g.writeNumber(b.getDouble());
        }
      }
      case "INT32" -> {
        while (b.remaining() >= Integer.BYTES) {
          g.writeNumber(b.getInt());
        }
      }
      case "INT64" -> {
        while (b.remaining() >= Long.BYTES) {
          g.writeNumber(b.getLong());
        }
      }
      default -> throw new IllegalStateException("raw output of type " + datatype);
    }
    g.writeEndArray();
  }

  private static void writeParameters(JsonGenerator g, Map<String, InferParameter> parameters)
      throws IOException {
    if (parameters.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart("parameters");
    for (Map.Entry<String, InferParameter> e : parameters.entrySet()) {
      g.writeFieldName(e.getKey());
      InferParameter p = e.getValue();
      switch (p.getParameterChoiceCase()) {
        case BOOL_PARAM -> g.writeBoolean(p.getBoolParam());
        case INT64_PARAM -> g.writeNumber(p.getInt64Param());
        case STRING_PARAM -> g.writeString(p.getStringParam());
        case DOUBLE_PARAM -> g.writeNumber(p.getDoubleParam());
        case UINT64_PARAM ->
            g.writeNumber(new BigInteger(Long.toUnsignedString(p.getUint64Param())));
        case PARAMETERCHOICE_NOT_SET -> g.writeNull();
      }
    }
    g.writeEndObject();
  }
}
